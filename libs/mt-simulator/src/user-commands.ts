import { matchesGroupMask, MtRetcode, MtUserRights, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { groupSettings } from './group-config';
import { nextFreeLogin, ownsLogin } from './server-placement';
import type { PasswordType, SimAccount } from './simulator-state';
import { tradeAccountRecord, userRecord } from './webapi-records';
import { type CommandContext, type CommandHandler, type CommandInput, done, fail, parseInteger, parseTicket, parseTicketList, scalarText } from './webapi-command';

const PASSWORD_MAX = 16;
const LEVERAGE_MAX = 1000;

type ProfileKey = 'firstName' | 'lastName' | 'middleName' | 'email' | 'phone' | 'country' | 'city' | 'region' | 'zipCode' | 'address' | 'company' | 'comment' | 'documentId' | 'status';

/**
 * Profile fields and the length MT5 cuts them to, silently. Name 128, company 64, address 128 and comment 64 are
 * documented [C]; the others are the simulator's own caps so that records stay bounded [I].
 */
const PROFILE_FIELDS: readonly { json: string; key: ProfileKey; max: number; alias?: string }[] = [
  { json: 'FirstName', key: 'firstName', max: 128 },
  { json: 'LastName', key: 'lastName', max: 128 },
  { json: 'MiddleName', key: 'middleName', max: 128 },
  { json: 'Email', key: 'email', max: 64 },
  { json: 'Phone', key: 'phone', max: 32 },
  { json: 'Country', key: 'country', max: 32 },
  { json: 'City', key: 'city', max: 32 },
  { json: 'State', key: 'region', max: 32 },
  // Clients send ZipCode; MetaQuotes' table says ZIPCode: take either.
  { json: 'ZipCode', key: 'zipCode', max: 16, alias: 'ZIPCode' },
  { json: 'Address', key: 'address', max: 128 },
  { json: 'Company', key: 'company', max: 64 },
  { json: 'Comment', key: 'comment', max: 64 },
  { json: 'ID', key: 'documentId', max: 32 },
  { json: 'Status', key: 'status', max: 16 },
];

/** The profile fields the input carries, cut to their limits; fields that are not text are left out. */
function profileFrom(input: CommandInput): Partial<Record<ProfileKey, string>> {
  const profile: Partial<Record<ProfileKey, string>> = {};
  for (const field of PROFILE_FIELDS) {
    const text = input.text(field.json) ?? (field.alias ? input.text(field.alias) : undefined);
    if (text !== undefined) profile[field.key] = text.slice(0, field.max);
  }
  // The obsolete `Name` (query `name`) stands for first and last name when those are not given.
  const name = input.text('Name')?.trim().slice(0, 128);
  if (name && profile.firstName === undefined && profile.lastName === undefined) {
    const cut = name.lastIndexOf(' ');
    profile.firstName = cut < 0 ? name : name.slice(0, cut);
    profile.lastName = cut < 0 ? '' : name.slice(cut + 1);
  }
  return profile;
}

/** MT5 password rules: 8-16 characters (the group may raise the minimum), lower and upper case, a digit, a special. */
export function passwordAcceptable(password: string, minLength: number): boolean {
  return (
    password.length >= Math.max(8, minLength) &&
    password.length <= PASSWORD_MAX &&
    /[a-z]/.test(password) &&
    /[A-Z]/.test(password) &&
    /\d/.test(password) &&
    /[^A-Za-z0-9]/.test(password)
  );
}

const passwordHash = (password: string) => webApiPasswordHash(password).toString('hex');

function accountOf(input: CommandInput, context: CommandContext): { account: SimAccount } | { error: MtRetcode } {
  const login = parseTicket(input.query.get('login') ?? input.text('Login'));
  if (login === undefined) return { error: MtRetcode.ERR_PARAMS };
  const account = context.state.accounts.get(login);
  return account ? { account } : { error: MtRetcode.ERR_NOTFOUND };
}

const userGet: CommandHandler = (input, context) => {
  const found = accountOf(input, context);
  return 'error' in found ? fail(found.error) : done(userRecord(found.account));
};

const accountGet: CommandHandler = (input, context) => {
  const found = accountOf(input, context);
  return 'error' in found ? fail(found.error) : done(tradeAccountRecord(found.account));
};

/** login=a,b,c or group=mask; unknown logins are left out, as the server does. */
const userGetBatch: CommandHandler = (input, context) => {
  const logins = input.query.get('login');
  const mask = input.query.get('group');
  if ((logins === null) === (mask === null)) return fail(MtRetcode.ERR_PARAMS);
  let accounts: SimAccount[];
  if (logins !== null) {
    const list = parseTicketList(logins);
    if (!list) return fail(MtRetcode.ERR_PARAMS);
    accounts = list.map((login) => context.state.accounts.get(login)).filter((account): account is SimAccount => account !== undefined);
  } else {
    accounts = [...context.state.accounts.values()].filter((account) => matchesGroupMask(mask!, account.group));
  }
  return done(accounts.map(userRecord));
};

const userLogins: CommandHandler = (input, context) => {
  const mask = input.query.get('group');
  if (!mask) return fail(MtRetcode.ERR_PARAMS);
  return done([...context.state.accounts.values()].filter((account) => matchesGroupMask(mask, account.group)).map((account) => account.login.toString()));
};

/**
 * /api/user/add. Query: login (absent or 0 = the next free login of this server), group, name, leverage and profile
 * fields; body: the user JSON with PassMain and PassInvestor (the body wins). Balance cannot be set.
 */
const userAdd: CommandHandler = (input, context) => {
  const { state, server } = context;
  const groupName = input.text('Group');
  if (!groupName) return fail(MtRetcode.ERR_PARAMS);
  const group = state.groups.get(groupName);
  // An unknown group reads as a group outside the manager's permissions.
  if (!group) return fail(MtRetcode.ERR_PERMISSIONS);
  const leverage = parseInteger(input.text('Leverage'), 1, LEVERAGE_MAX);
  const rights = input.has('Rights') ? parseInteger(input.text('Rights'), 0, 0xffff_ffff) : MtUserRights.DEFAULT;
  const agent = input.has('Agent') ? parseTicket(input.text('Agent')) : 0n;
  const profile = profileFrom(input);
  if (leverage === undefined || rights === undefined || agent === undefined || (!profile.firstName && !profile.lastName)) return fail(MtRetcode.ERR_PARAMS);

  const requested = input.text('Login');
  let login: bigint | undefined;
  if (requested === undefined || requested.trim() === '0') {
    login = nextFreeLogin(server, state.accounts.keys());
    if (login === undefined) return fail(MtRetcode.USR_LOGIN_EXHAUSTED);
  } else {
    login = parseTicket(requested);
    if (login === undefined) return fail(MtRetcode.ERR_PARAMS);
    if (!ownsLogin(server, login)) return fail(MtRetcode.USR_LOGIN_PROHIBITED);
    if (state.accounts.has(login)) return fail(MtRetcode.USR_LOGIN_EXIST);
  }

  // Passwords travel in the body only, never in a URL that proxies and logs keep.
  const passMain = scalarText(input.bodyObject?.['PassMain']);
  const passInvestor = scalarText(input.bodyObject?.['PassInvestor']);
  if (passMain === undefined || passInvestor === undefined) return fail(MtRetcode.ERR_PARAMS);
  const minLength = groupSettings(group).authPasswordMin;
  if (!passwordAcceptable(passMain, minLength) || !passwordAcceptable(passInvestor, minLength)) return fail(MtRetcode.USR_INVALID_PASSWORD);

  const now = Math.floor(Date.now() / 1000);
  const account = state.addAccount({
    login,
    group: group.group,
    firstName: '',
    lastName: '',
    email: '',
    country: '',
    ...profile,
    agent,
    leverage,
    rights,
    currencyDigits: group.currencyDigits,
    balance: 0n,
    credit: 0n,
    margin: 0n,
    registration: now,
    lastAccess: now,
    lastPassChange: now,
    passwordHashes: { main: passwordHash(passMain), investor: passwordHash(passInvestor) },
  });
  return done(userRecord(account), { login: login.toString() });
};

/**
 * /api/user/update?login=: fields absent stay as they are; read-only fields (Login, Balance, Credit, Registration) and
 * invalid values are ignored without a word, as MetaQuotes documents; the caller reads the answer to see what took.
 * Only a group that does not exist is refused (8).
 */
const userUpdate: CommandHandler = (input, context) => {
  const found = accountOf(input, context);
  if ('error' in found) return fail(found.error);
  const account = found.account;
  const groupName = input.text('Group');
  if (groupName !== undefined && groupName !== account.group) {
    const group = context.state.groups.get(groupName);
    if (!group) return fail(MtRetcode.ERR_PERMISSIONS);
    account.group = group.group;
    account.currencyDigits = group.currencyDigits;
  }
  Object.assign(account, profileFrom(input));
  const leverage = parseInteger(input.text('Leverage'), 1, LEVERAGE_MAX);
  if (leverage !== undefined) account.leverage = leverage;
  const rights = parseInteger(input.text('Rights'), 0, 0xffff_ffff);
  if (rights !== undefined) account.rights = rights;
  const agent = parseTicket(input.text('Agent'));
  if (agent !== undefined) account.agent = agent;
  return done(userRecord(account));
};

/** /api/user/delete?login=: refused with 3008 while the account has positions or orders; its deal history stays. */
const userDelete: CommandHandler = (input, context) => {
  const found = accountOf(input, context);
  if ('error' in found) return fail(found.error);
  if (context.state.hasOpenTrades(found.account.login)) return fail(MtRetcode.USR_HAS_TRADES);
  context.state.accounts.delete(found.account.login);
  return done();
};

type PasswordRequest = { account: SimAccount; type: PasswordType; password: string };

/** GET ?login&type&password or POST body {Login, Type, Password}. */
function passwordRequest(input: CommandInput, context: CommandContext): PasswordRequest | { error: MtRetcode } {
  const login = parseTicket(input.text('Login'));
  const type = input.text('Type');
  const password = input.text('Password');
  if (login === undefined || password === undefined || (type !== 'main' && type !== 'investor' && type !== 'api')) return { error: MtRetcode.ERR_PARAMS };
  const account = context.state.accounts.get(login);
  return account ? { account, type, password } : { error: MtRetcode.ERR_NOTFOUND };
}

const checkPassword: CommandHandler = (input, context) => {
  const request = passwordRequest(input, context);
  if ('error' in request) return fail(request.error);
  const stored = request.account.passwordHashes[request.type];
  return stored !== undefined && stored === passwordHash(request.password) ? done() : fail(MtRetcode.USR_INVALID_PASSWORD);
};

const changePassword: CommandHandler = (input, context) => {
  const request = passwordRequest(input, context);
  if ('error' in request) return fail(request.error);
  const group = context.state.groups.get(request.account.group);
  const minLength = group ? groupSettings(group).authPasswordMin : 8;
  if (!passwordAcceptable(request.password, minLength)) return fail(MtRetcode.USR_INVALID_PASSWORD);
  request.account.passwordHashes[request.type] = passwordHash(request.password);
  request.account.lastPassChange = Math.floor(Date.now() / 1000);
  return done();
};

export const USER_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  '/api/user/get': userGet,
  '/api/user/account/get': accountGet,
  '/api/user/get_batch': userGetBatch,
  '/api/user/logins': userLogins,
  '/api/user/add': userAdd,
  '/api/user/update': userUpdate,
  '/api/user/delete': userDelete,
  '/api/user/check_password': checkPassword,
  '/api/user/change_password': changePassword,
};
