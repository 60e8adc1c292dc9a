/** MT5 return codes (MetaQuotes MT5 API reference; see docs/metatrader-apis.md 1.7). */
export enum MtRetcode {
  OK = 0,
  OK_NONE = 1,
  ERR_COMMON = 2,
  ERR_PARAMS = 3,
  ERR_DATA = 4,
  ERR_NETWORK = 7,
  ERR_PERMISSIONS = 8,
  ERR_TIMEOUT = 9,
  ERR_CONNECTION = 10,
  ERR_FREQUENT = 12,
  ERR_NOTFOUND = 13,
  ERR_PARTIAL = 14,
  ERR_SHUTDOWN = 15,
  ERR_DUPLICATE = 17,
  AUTH_ACCOUNT_INVALID = 1001,
  AUTH_ACCOUNT_DISABLED = 1002,
  AUTH_SERVER_INTERNAL = 1008,
  AUTH_MANAGER_NOCONFIG = 1011,
  AUTH_MANAGER_IPBLOCK = 1012,
  AUTH_SERVER_BUSY = 1018,
  AUTH_ACCOUNT_UNKNOWN = 1020,
  CFG_NOT_EMPTY = 2003,
  CFG_BUILTIN = 2006,
  CFG_DUPLICATE = 2007,
  CFG_LIMIT_REACHED = 2008,
  USR_LOGIN_EXHAUSTED = 3002,
  USR_LOGIN_PROHIBITED = 3003,
  USR_LOGIN_EXIST = 3004,
  USR_SUICIDE = 3005,
  USR_INVALID_PASSWORD = 3006,
  USR_LIMIT_REACHED = 3007,
  USR_HAS_TRADES = 3008,
  TRADE_LIMIT_REACHED = 4001,
  TRADE_ORDER_EXIST = 4002,
  TRADE_DEAL_EXHAUSTED = 4004,
  TRADE_MAX_MONEY = 4005,
  REQUEST_REQUOTE = 10004,
  REQUEST_REJECT = 10006,
  REQUEST_PLACED = 10008,
  REQUEST_DONE = 10009,
  REQUEST_TIMEOUT = 10012,
  REQUEST_INVALID = 10013,
  REQUEST_INVALID_VOLUME = 10014,
  REQUEST_INVALID_PRICE = 10015,
  REQUEST_INVALID_STOPS = 10016,
  REQUEST_TRADE_DISABLED = 10017,
  REQUEST_MARKET_CLOSED = 10018,
  REQUEST_NO_MONEY = 10019,
  REQUEST_TOO_MANY = 10024,
  REQUEST_NO_CHANGES = 10025,
  API_MAIN_SERVER_ONLY = 12001,
  API_NOT_SUPPORTED = 12002,
  API_LOCKED = 12004,
}

const texts: Partial<Record<MtRetcode, string>> = {
  [MtRetcode.OK]: 'Done',
  [MtRetcode.ERR_PARAMS]: 'Invalid parameters',
  [MtRetcode.ERR_DATA]: 'Invalid data',
  [MtRetcode.ERR_PERMISSIONS]: 'Not enough permissions',
  [MtRetcode.ERR_FREQUENT]: 'Too frequent requests',
  [MtRetcode.ERR_NOTFOUND]: 'Not found',
  [MtRetcode.ERR_PARTIAL]: 'Partial data',
  [MtRetcode.ERR_DUPLICATE]: 'Duplicate data',
  [MtRetcode.AUTH_ACCOUNT_INVALID]: 'Invalid account',
  [MtRetcode.AUTH_SERVER_INTERNAL]: 'Server not authenticated',
  [MtRetcode.USR_LOGIN_EXHAUSTED]: 'Logins range exhausted',
  [MtRetcode.USR_LOGIN_PROHIBITED]: 'Login belongs to another server',
  [MtRetcode.USR_LOGIN_EXIST]: 'Account already exists',
  [MtRetcode.USR_INVALID_PASSWORD]: 'Invalid account password',
  [MtRetcode.USR_HAS_TRADES]: 'Account has open trades',
  [MtRetcode.TRADE_MAX_MONEY]: 'Money limit reached',
  [MtRetcode.REQUEST_DONE]: 'Request executed',
  [MtRetcode.REQUEST_INVALID]: 'Invalid request',
  [MtRetcode.REQUEST_INVALID_STOPS]: 'Invalid stops',
  [MtRetcode.REQUEST_NO_MONEY]: 'No money',
  [MtRetcode.REQUEST_TOO_MANY]: 'Too many requests',
  [MtRetcode.REQUEST_NO_CHANGES]: 'No changes',
  [MtRetcode.API_MAIN_SERVER_ONLY]: 'Main server only',
  [MtRetcode.API_NOT_SUPPORTED]: 'Not supported',
};

export function retcodeText(code: MtRetcode): string {
  return texts[code] ?? MtRetcode[code] ?? 'Unknown error';
}

export interface ParsedRetcode {
  code: number;
  text: string;
  /** The retcode string as the server sent it, e.g. "3006 Invalid account password". */
  raw: string;
}

/** Parses the envelope's "<code> <text>" retcode; throws on anything else (a broken or foreign server). */
export function parseRetcode(raw: unknown): ParsedRetcode {
  if (typeof raw !== 'string') throw new Error(`retcode is not a string: ${JSON.stringify(raw)}`);
  const match = /^(\d+)(?:\s+(.*))?$/.exec(raw.trim());
  if (!match) throw new Error(`malformed retcode: ${JSON.stringify(raw)}`);
  return { code: Number(match[1]), text: match[2] ?? '', raw };
}
