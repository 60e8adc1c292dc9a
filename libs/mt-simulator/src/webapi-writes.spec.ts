import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { startSimulator, startSimulatorCluster, type RunningSimulator, type RunningSimulatorCluster } from './simulator';
import type { SimPosition } from './simulator-state';
import { WebApiTestClient, type WebApiReply } from './webapi-test-client';

// The MT5 Web API write commands as MetaQuotes documents them (docs/metatrader-apis.md 1.4-1.8), over plain HTTP
// against a two-server cluster: `main` owns groups and symbols, `trade` shares them and owns its own accounts.

const MANAGER = { login: '1000', password: 'Manager-pass-1' };
const STRONG = { PassMain: 'Main-pass-1', PassInvestor: 'Invest-pass-2' };
const DBL_MAX = '1.7976931348623157e+308';

type Json = Record<string, unknown>;
const answerOf = (reply: WebApiReply) => reply.body['answer'] as Json;
const listOf = (reply: WebApiReply) => reply.body['answer'] as Json[];

let cluster: RunningSimulatorCluster;
let main: WebApiTestClient;
let trade: WebApiTestClient;

beforeAll(async () => {
  cluster = await startSimulatorCluster({
    host: '127.0.0.1',
    servers: [
      { id: 'main', port: 0, main: true, generatedAccounts: 30 },
      { id: 'trade', port: 0, main: false, generatedAccounts: 20 },
    ],
    managers: [MANAGER],
    maxConnections: 8,
    seed: 7,
    dealer: { processingDelayMs: 150 },
  });
  main = new WebApiTestClient(cluster.server('main').webApiUrl);
  trade = new WebApiTestClient(cluster.server('trade').webApiUrl);
  await main.authenticate(MANAGER.login, MANAGER.password);
  await trade.authenticate(MANAGER.login, MANAGER.password);
});

afterAll(async () => {
  main.close();
  trade.close();
  await cluster.stop();
});

const addUser = (client: WebApiTestClient, query: Record<string, string>, body: Json = {}) =>
  client.call('/api/user/add', { group: 'real\\retail\\usd', name: 'Test Person', leverage: '100', ...query }, { ...STRONG, ...body });

describe('request bodies', () => {
  it('refuses a command without a session with HTTP 403', async () => {
    const stranger = new WebApiTestClient(cluster.main.webApiUrl);
    try {
      expect((await stranger.call('/api/user/get', { login: '500001' })).status).toBe(403);
    } finally {
      stranger.close();
    }
  });

  it('answers malformed JSON with 3', async () => {
    expect((await main.call('/api/user/add', { group: 'real\\retail\\usd', name: 'X Y', leverage: '100' }, '{"PassMain": ')).code).toBe(MtRetcode.ERR_PARAMS);
  });

  it('refuses a body over 1 MiB with 3', async () => {
    const big = { ...STRONG, Comment: 'x'.repeat(1024 * 1024 + 10) };
    const client = new WebApiTestClient(cluster.main.webApiUrl);
    try {
      await client.authenticate(MANAGER.login, MANAGER.password);
      expect((await addUser(client, {}, big)).code).toBe(MtRetcode.ERR_PARAMS);
    } finally {
      client.close();
    }
  });

  it('lets body fields beat query fields, with either content type', async () => {
    const reply = await main.call('/api/user/add', { group: 'real\\retail\\usd', name: 'Query Name', leverage: '100' }, { ...STRONG, Leverage: '200', FirstName: 'Body', LastName: 'Name' }, 'application/json');
    expect(reply.code).toBe(0);
    expect(answerOf(reply)).toMatchObject({ Leverage: '200', FirstName: 'Body', LastName: 'Name', Name: 'Body Name' });
  });
});

describe('/api/user/add', () => {
  it('allocates the next free login of this server for login=0, answers the record with `login` beside it', async () => {
    const first = await addUser(main, { login: '0' }, { Email: 'new@example.com', Balance: '5000' });
    expect(first.code).toBe(0);
    const record = answerOf(first);
    expect(first.body['login']).toBe(record['Login']);
    expect(BigInt(String(record['Login']))).toBeGreaterThan(600_030n);
    expect(BigInt(String(record['Login']))).toBeLessThan(650_000n);
    // Balance is never set through user/add; every scalar is a string; rights default to 0x163.
    expect(record).toMatchObject({ Group: 'real\\retail\\usd', Balance: '0.00', Credit: '0.00', Leverage: '100', Rights: '355', Email: 'new@example.com' });
    expect(Object.values(record).every((value) => typeof value === 'string')).toBe(true);
    for (const field of ['Phone', 'City', 'State', 'ZipCode', 'Address', 'Company', 'Comment', 'Status', 'ID', 'MiddleName', 'LastAccess', 'Agent']) {
      expect(record).toHaveProperty(field);
    }
    const second = await addUser(main, {});
    expect(BigInt(String(second.body['login']))).toBe(BigInt(String(record['Login'])) + 1n);
  });

  it('allocates in the trade server own range', async () => {
    const reply = await addUser(trade, { login: '0' });
    expect(reply.code).toBe(0);
    expect(BigInt(String(reply.body['login']))).toBeGreaterThan(650_020n);
    expect(cluster.server('trade').state.accounts.has(BigInt(String(reply.body['login'])))).toBe(true);
    expect(cluster.main.state.accounts.has(BigInt(String(reply.body['login'])))).toBe(false);
  });

  it('takes a free login in its range and refuses one in use with 3004', async () => {
    expect((await addUser(main, { login: '505000' })).code).toBe(0);
    expect((await addUser(main, { login: '505000' })).code).toBe(MtRetcode.USR_LOGIN_EXIST);
    expect((await addUser(main, { login: '500001' })).code).toBe(MtRetcode.USR_LOGIN_EXIST);
  });

  it('refuses a login of another server range with 3003', async () => {
    expect((await addUser(main, { login: '650500' })).code).toBe(MtRetcode.USR_LOGIN_PROHIBITED);
    expect((await addUser(trade, { login: '500500' })).code).toBe(MtRetcode.USR_LOGIN_PROHIBITED);
    expect((await addUser(trade, { login: '510500' })).code).toBe(0);
  });

  it.each([
    ['lower case and digits only', { PassMain: 'password1' }],
    ['too short', { PassMain: 'Ab1!' }],
    ['too long', { PassMain: 'Abcdefgh1!abcdefg' }],
    ['no special character', { PassInvestor: 'Password12' }],
  ])('refuses a weak password (%s) with 3006', async (_case, passwords) => {
    expect((await addUser(main, {}, passwords)).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
  });

  it('applies the group minimal password length', async () => {
    // real\pro\usd asks for 10 characters.
    expect((await addUser(main, { group: 'real\\pro\\usd' }, { PassMain: 'Abcdef1!x' })).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
    expect((await addUser(main, { group: 'real\\pro\\usd' }, { PassMain: 'Abcdef1!xy', PassInvestor: 'Abcdef1!xy' })).code).toBe(0);
  });

  it('refuses an unknown group with 8 and bad or missing parameters with 3', async () => {
    expect((await addUser(main, { group: 'real\\nosuch' })).code).toBe(MtRetcode.ERR_PERMISSIONS);
    for (const leverage of ['0', '1001', 'abc', '']) expect((await addUser(main, { leverage })).code).toBe(MtRetcode.ERR_PARAMS);
    expect((await main.call('/api/user/add', { group: 'real\\retail\\usd', name: 'A B', leverage: '100' }, { PassMain: STRONG.PassMain })).code).toBe(MtRetcode.ERR_PARAMS);
    expect((await addUser(main, { login: 'x12' })).code).toBe(MtRetcode.ERR_PARAMS);
  });

  it('cuts long texts silently at the MT limits', async () => {
    const reply = await addUser(main, {}, { Name: 'N'.repeat(200), Company: 'C'.repeat(100), Address: 'A'.repeat(200), Comment: 'K'.repeat(100) });
    expect(reply.code).toBe(0);
    const record = answerOf(reply);
    expect(String(record['Name']).length).toBeLessThanOrEqual(128);
    expect(record['Company']).toBe('C'.repeat(64));
    expect(record['Address']).toBe('A'.repeat(128));
    expect(record['Comment']).toBe('K'.repeat(64));
  });
});

describe('/api/user/update and /api/user/delete', () => {
  let login: string;

  beforeAll(async () => {
    login = String((await addUser(main, {}, { Email: 'keep@example.com', Phone: '+100' })).body['login']);
  });

  it('changes only the fields sent', async () => {
    const reply = await main.call('/api/user/update', { login }, { Phone: '+4420', City: 'London' });
    expect(reply.code).toBe(0);
    expect(answerOf(reply)).toMatchObject({ Login: login, Phone: '+4420', City: 'London', Email: 'keep@example.com', Leverage: '100' });
  });

  it('ignores invalid values and read-only fields without a word', async () => {
    for (const body of [{ Leverage: '0' }, { Leverage: 'abc' }, { Rights: 'lots' }, { Balance: '999999', Credit: '5', Registration: '1', Login: '1' }]) {
      const reply = await main.call('/api/user/update', { login }, body);
      expect(reply.code).toBe(0);
      expect(answerOf(reply)).toMatchObject({ Login: login, Leverage: '100', Rights: '355', Balance: '0.00', Credit: '0.00' });
    }
    const valid = await main.call('/api/user/update', { login }, { Leverage: '300', Rights: String(0x163 | 0x4) });
    expect(answerOf(valid)).toMatchObject({ Leverage: '300', Rights: String(0x167) });
  });

  it('moves the account to a known group and refuses an unknown one with 8', async () => {
    expect(answerOf(await main.call('/api/user/update', { login }, { Group: 'demo\\standard' }))).toMatchObject({ Group: 'demo\\standard' });
    expect((await main.call('/api/user/update', { login }, { Group: 'demo\\nosuch' })).code).toBe(MtRetcode.ERR_PERMISSIONS);
  });

  it('answers 13 for an unknown login, also for an account of the other server', async () => {
    expect((await main.call('/api/user/update', { login: '600999' }, { Phone: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
    expect((await trade.call('/api/user/update', { login }, { Phone: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });

  it('refuses to delete an account with open positions (3008), deletes others and keeps their deals', async () => {
    const holder = [...cluster.main.state.positions.values()][0]!.login.toString();
    expect((await main.call('/api/user/delete', { login: holder })).code).toBe(MtRetcode.USR_HAS_TRADES);
    expect((await main.call('/api/trade/balance', { login, type: '2', balance: '50.00', comment: 'before delete' })).code).toBe(0);
    expect((await main.call('/api/user/delete', { login })).code).toBe(0);
    expect((await main.call('/api/user/get', { login })).code).toBe(MtRetcode.ERR_NOTFOUND);
    expect((await main.call('/api/user/delete', { login })).code).toBe(MtRetcode.ERR_NOTFOUND);
    expect(listOf(await main.call('/api/deal/get_batch', { login }))).toEqual([expect.objectContaining({ Comment: 'before delete', Profit: '50.00' })]);
  });
});

describe('/api/user/check_password and /api/user/change_password', () => {
  let login: string;

  beforeAll(async () => {
    login = String((await addUser(main, {})).body['login']);
  });

  it('checks each password type, by GET or by POST body', async () => {
    expect((await main.call('/api/user/check_password', { login, type: 'main', password: STRONG.PassMain })).code).toBe(0);
    expect((await main.call('/api/user/check_password', {}, { Login: login, Type: 'investor', Password: STRONG.PassInvestor })).code).toBe(0);
    expect((await main.call('/api/user/check_password', { login, type: 'main', password: STRONG.PassInvestor })).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
    // No API password was ever set.
    expect((await main.call('/api/user/check_password', { login, type: 'api', password: STRONG.PassMain })).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
  });

  it('changes a password under the password rules', async () => {
    expect((await main.call('/api/user/change_password', {}, { Login: login, Type: 'main', Password: 'weakpass' })).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
    expect((await main.call('/api/user/change_password', {}, { Login: login, Type: 'main', Password: 'New-main-9' })).code).toBe(0);
    expect((await main.call('/api/user/check_password', { login, type: 'main', password: 'New-main-9' })).code).toBe(0);
    expect((await main.call('/api/user/check_password', { login, type: 'main', password: STRONG.PassMain })).code).toBe(MtRetcode.USR_INVALID_PASSWORD);
  });

  it('answers 3 for a bad type and 13 for an unknown login', async () => {
    expect((await main.call('/api/user/check_password', { login, type: 'master', password: 'x' })).code).toBe(MtRetcode.ERR_PARAMS);
    expect((await main.call('/api/user/change_password', { login: '600998', type: 'main', password: 'New-main-9' })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });
});

describe('groups', () => {
  it('answers one group by name (13 if unknown) with string fields and unset overrides as SDK sentinels', async () => {
    const group = answerOf(await main.call('/api/group/get', { group: 'demo\\standard' }));
    expect(group).toMatchObject({ Group: 'demo\\standard', Currency: 'USD', MarginSOMode: '0', MarginCall: '80', MarginStopOut: '30', Commissions: [] });
    const symbols = group['Symbols'] as Json[];
    expect(symbols.map((symbol) => symbol['Path'])).toEqual(['Forex\\*', 'Metals\\*', 'Indices\\*', 'Crypto\\*']);
    expect(symbols[0]).toMatchObject({ TradeMode: '4294967295', SpreadDiff: '2147483647', SwapLong: DBL_MAX });
    expect((await main.call('/api/group/get', { group: 'demo\\nosuch' })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });

  it('answers groups by mask with * , and !', async () => {
    const names = async (mask: string) => listOf(await main.call('/api/group/get', { mask })).map((group) => group['Group']);
    expect(await names('real\\*')).toEqual(['real\\retail\\usd', 'real\\pro\\usd', 'real\\retail\\eur']);
    expect(await names('real\\*,!real\\pro\\*')).toEqual(['real\\retail\\usd', 'real\\retail\\eur']);
    expect(await names('demo\\*,real\\pro\\usd')).toEqual(['real\\pro\\usd', 'demo\\standard']);
  });

  it('replaces Symbols whole and leaves the fields not sent', async () => {
    const before = answerOf(await main.call('/api/group/get', { group: 'real\\retail\\usd' }));
    const reply = await main.call('/api/group/add', {}, { Group: 'real\\retail\\usd', Symbols: [{ Path: 'Forex\\*', SpreadDiff: '2' }] });
    expect(reply.code).toBe(0);
    const after = answerOf(reply);
    expect(after['Symbols']).toEqual([expect.objectContaining({ Path: 'Forex\\*', SpreadDiff: '2', TradeMode: '4294967295' })]);
    expect(after).toMatchObject({ MarginCall: before['MarginCall'], MarginStopOut: before['MarginStopOut'], Currency: 'USD', Company: before['Company'] });
    // A write without Symbols keeps them.
    const margin = answerOf(await main.call('/api/group/add', {}, { Group: 'real\\retail\\usd', MarginCall: '120' }));
    expect(margin).toMatchObject({ MarginCall: '120', Symbols: after['Symbols'] });
  });

  it('shows a change on the main server on the trade server at once', async () => {
    await main.call('/api/group/add', {}, { Group: 'real\\retail\\eur', MarginStopOut: '45' });
    expect(answerOf(await trade.call('/api/group/get', { group: 'real\\retail\\eur' }))).toMatchObject({ MarginStopOut: '45' });
  });

  it('creates a new group that both servers can open accounts in', async () => {
    const reply = await main.call('/api/group/add', {}, { Group: 'real\\vip\\usd', Currency: 'USD', MarginCall: '90', MarginStopOut: '40', Symbols: [{ Path: 'Forex\\*' }] });
    expect(reply.code).toBe(0);
    expect((await addUser(trade, { group: 'real\\vip\\usd' })).code).toBe(0);
  });

  it.each([
    ['no Group', { MarginCall: '100' }],
    ['a number that does not parse', { Group: 'real\\retail\\usd', MarginCall: 'lots' }],
    ['a stop-out at the margin call in percent', { Group: 'real\\retail\\usd', MarginCall: '50', MarginStopOut: '50' }],
    ['a symbol without Path', { Group: 'real\\retail\\usd', Symbols: [{ SpreadDiff: '1' }] }],
    ['an override out of range', { Group: 'real\\retail\\usd', Symbols: [{ Path: 'Forex\\*', TradeMode: '9' }] }],
  ])('refuses %s with 3', async (_case, body) => {
    expect((await main.call('/api/group/add', {}, body)).code).toBe(MtRetcode.ERR_PARAMS);
  });

  it('allows configuration writes on the main server only (12001)', async () => {
    expect((await trade.call('/api/group/add', {}, { Group: 'real\\retail\\usd', MarginCall: '110' })).code).toBe(MtRetcode.API_MAIN_SERVER_ONLY);
    expect((await trade.call('/api/symbol/add', {}, { Symbol: 'EURUSD', Spread: '3' })).code).toBe(MtRetcode.API_MAIN_SERVER_ONLY);
  });
});

describe('symbols', () => {
  it('updates only the fields sent and replaces sessions whole, visible on the trade server', async () => {
    const week = [[], [{ Open: '60', Close: '1380' }], [{ Open: '0', Close: '720' }, { Open: '780', Close: '1440' }], [], [], [], []];
    const reply = await main.call('/api/symbol/add', {}, { Symbol: 'EURUSD', SwapLong: '-7.25', Swap3Day: '4', SessionsTrades: week });
    expect(reply.code).toBe(0);
    expect(answerOf(reply)).toMatchObject({ Symbol: 'EURUSD', SwapLong: '-7.25', SwapShort: '1.9', Swap3Day: '4', Digits: '5', SessionsTrades: week });
    expect(answerOf(await trade.call('/api/symbol/get', { symbol: 'EURUSD' }))).toMatchObject({ SwapLong: '-7.25', SessionsTrades: week });
  });

  it('adds a new symbol', async () => {
    const reply = await main.call('/api/symbol/add', {}, { Symbol: 'ETHUSD', Path: 'Crypto\\ETHUSD', Digits: '2', ContractSize: '1', TradeMode: '4' });
    expect(answerOf(reply)).toMatchObject({ Symbol: 'ETHUSD', Path: 'Crypto\\ETHUSD', Digits: '2', ContractSize: '1', TradeMode: '4' });
    expect(listOf(await main.call('/api/symbol/get', { mask: 'Crypto\\*' })).map((symbol) => symbol['Symbol'])).toEqual(['BTCUSD', 'ETHUSD']);
  });

  it.each([
    [{ ExecMode: '4' }],
    [{ TradeMode: '5' }],
    [{ SwapMode: '10' }],
    [{ Swap3Day: '7' }],
    [{ Digits: 'x' }],
    [{ Spread: '-1' }],
    [{ SwapLong: 'high' }],
    [{ ContractSize: '0' }],
    [{ SessionsQuotes: [[{ Open: '600', Close: '60' }], [], [], [], [], [], []] }],
    [{ SessionsTrades: [[], []] }],
  ])('refuses %p with 3 and changes nothing', async (bad) => {
    const before = answerOf(await main.call('/api/symbol/get', { symbol: 'GBPUSD' }));
    expect((await main.call('/api/symbol/add', {}, { Symbol: 'GBPUSD', Spread: '99', ...bad })).code).toBe(MtRetcode.ERR_PARAMS);
    expect(answerOf(await main.call('/api/symbol/get', { symbol: 'GBPUSD' }))).toEqual(before);
  });

  it('refuses a body without Symbol with 3', async () => {
    expect((await main.call('/api/symbol/add', {}, { Spread: '3' })).code).toBe(MtRetcode.ERR_PARAMS);
  });
});

describe('positions and orders', () => {
  const firstPosition = (simulator: RunningSimulator, action: number): SimPosition =>
    [...simulator.state.positions.values()].find((position) => position.action === action && position.symbol !== 'BTCUSD')!;

  it('updates the fields sent of a position and answers the record', async () => {
    const position = firstPosition(cluster.main, 0);
    const ticket = position.position.toString();
    const reply = await main.call('/api/position/update', {}, { Position: ticket, PriceTP: '1.5', Comment: 'c'.repeat(40) });
    expect(reply.code).toBe(0);
    expect(answerOf(reply)).toMatchObject({ Position: ticket, Login: position.login.toString(), PriceTP: '1.50000', Comment: 'c'.repeat(31), PriceOpen: position.priceOpen.toFixed(5) });
    expect((await main.call('/api/position/update', {}, { Position: ticket, PriceSL: 'low' })).code).toBe(MtRetcode.ERR_PARAMS);
  });

  it('answers 13 for a position that is not on this server', async () => {
    const ticket = firstPosition(cluster.main, 0).position.toString();
    expect((await trade.call('/api/position/update', {}, { Position: ticket, PriceSL: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
    expect((await main.call('/api/position/update', {}, { Position: '1', PriceSL: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });

  it('answers one position by login and symbol', async () => {
    const position = firstPosition(cluster.main, 1);
    const reply = await main.call('/api/position/get', { login: position.login.toString(), symbol: position.symbol });
    expect(answerOf(reply)).toMatchObject({ Login: position.login.toString(), Symbol: position.symbol });
  });

  it('serves pending orders by login, group and ticket', async () => {
    const order = [...cluster.main.state.orders.values()][0]!;
    const byLogin = listOf(await main.call('/api/order/get_batch', { login: order.login.toString() }));
    expect(byLogin.length).toBeGreaterThan(0);
    expect(byLogin[0]).toEqual(
      expect.objectContaining({ Order: order.order.toString(), Login: order.login.toString(), Symbol: order.symbol, Type: String(order.type), State: '1', TimeSetup: String(order.timeSetup) }),
    );
    for (const field of ['PriceOrder', 'PriceSL', 'PriceTP', 'VolumeInitial', 'VolumeCurrent']) expect(byLogin[0]).toHaveProperty(field);
    expect(listOf(await main.call('/api/order/get_batch', { ticket: order.order.toString() }))).toHaveLength(1);
    expect(listOf(await main.call('/api/order/get_batch', { group: '*' }))).toHaveLength(cluster.main.state.orders.size);
    expect((await main.call('/api/order/get_batch', { login: '1', ticket: '2' })).code).toBe(MtRetcode.ERR_PARAMS);
  });

  it('updates the fields sent of a pending order and answers the record', async () => {
    const order = [...cluster.main.state.orders.values()].find((candidate) => candidate.symbol === 'EURUSD') ?? [...cluster.main.state.orders.values()][0]!;
    const digits = cluster.main.state.symbols.get(order.symbol)!.digits;
    const ticket = order.order.toString();
    const takeProfit = order.priceTP;
    const stopLoss = Number((order.priceOrder * 0.99).toFixed(digits));
    const reply = await main.call('/api/order/update', {}, { Order: ticket, PriceSL: String(stopLoss) });
    expect(reply.code).toBe(0);
    expect(answerOf(reply)).toMatchObject({ Order: ticket, Login: order.login.toString(), PriceSL: stopLoss.toFixed(digits), PriceTP: takeProfit.toFixed(digits), PriceOrder: order.priceOrder.toFixed(digits) });
    expect(cluster.main.state.orders.get(order.order)).toMatchObject({ priceSL: stopLoss, priceTP: takeProfit });
  });

  it('refuses an order update without a ticket or with a bad price (3), and one for an order not open here (13)', async () => {
    const order = [...cluster.main.state.orders.values()][0]!;
    const before = { ...order };
    expect((await main.call('/api/order/update', {}, { PriceSL: '1' })).code).toBe(MtRetcode.ERR_PARAMS);
    expect((await main.call('/api/order/update', {}, { Order: order.order.toString(), PriceTP: '-1' })).code).toBe(MtRetcode.ERR_PARAMS);
    expect((await main.call('/api/order/update', {}, { Order: order.order.toString(), PriceSL: '1', PriceOrder: '0' })).code).toBe(MtRetcode.ERR_PARAMS);
    expect(cluster.main.state.orders.get(order.order)).toEqual(before);
    expect((await main.call('/api/order/update', {}, { Order: '1', PriceSL: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
    expect((await trade.call('/api/order/update', {}, { Order: order.order.toString(), PriceSL: '1' })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });
});

describe('/api/trade/balance rules', () => {
  // Demo accounts: 500002 has 2,000.00 balance and 150.00 margin; 500003 has 3,000.00 and 300.00.
  it('caps a credit withdrawal at the credit issued', async () => {
    expect((await main.call('/api/trade/balance', { login: '500002', type: '3', balance: '100.00', comment: 'credit in' })).code).toBe(0);
    expect((await main.call('/api/trade/balance', { login: '500002', type: '3', balance: '-150.00', comment: 'too much' })).code).toBe(MtRetcode.REQUEST_NO_MONEY);
    expect((await main.call('/api/trade/balance', { login: '500002', type: '3', balance: '-100.00', comment: 'credit out' })).code).toBe(0);
  });

  it('never withdraws above the balance, even with check_margin=0', async () => {
    const balance = cluster.main.state.accounts.get(500002n)!.balance;
    const above = `-${(Number(balance) / 100 + 0.01).toFixed(2)}`;
    expect((await main.call('/api/trade/balance', { login: '500002', type: '2', balance: above, comment: 'x', check_margin: '0' })).code).toBe(MtRetcode.REQUEST_NO_MONEY);
  });

  it('keeps free margin unless check_margin=0 or the operation is a correction', async () => {
    expect((await main.call('/api/trade/balance', { login: '500003', type: '2', balance: '-2800.00', comment: 'x' })).code).toBe(MtRetcode.REQUEST_NO_MONEY);
    expect((await main.call('/api/trade/balance', { login: '500003', type: '5', balance: '-100.00', comment: 'fix' })).code).toBe(0);
    expect((await main.call('/api/trade/balance', { login: '500003', type: '2', balance: '-2800.00', comment: 'x', check_margin: '0' })).code).toBe(0);
    expect((await main.call('/api/trade/balance', { login: '500003', type: '2', balance: '1000000000.01', comment: 'x' })).code).toBe(MtRetcode.TRADE_MAX_MONEY);
  });
});

describe('dealer queue', () => {
  const until = async (read: () => Promise<WebApiReply>): Promise<WebApiReply> => {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const reply = await read();
      if (listOf(reply).length > 0) return reply;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no dealer result');
  };
  const buy = () => [...cluster.main.state.positions.values()].find((position) => position.action === 0 && position.symbol === 'EURUSD')!;

  it('queues POS_MODIFY, answers [] while pending, then the result once', async () => {
    const position = buy();
    const sl = (1.08452 - 0.005).toFixed(5);
    const sent = await main.call('/api/dealer/send_request', {}, { Action: '202', Login: position.login.toString(), Symbol: 'EURUSD', Position: position.position.toString(), PriceSL: sl, PriceTP: '0', Digits: '5' });
    expect(sent.code).toBe(0);
    const id = String(answerOf(sent)['ID']);
    expect(listOf(await main.call('/api/dealer/get_request_result', { id }))).toEqual([]);
    const done = listOf(await until(() => main.call('/api/dealer/get_request_result', { id })));
    expect(done).toEqual([{ result: expect.objectContaining({ ID: id, Retcode: '10009' }) }, { answer: expect.objectContaining({ ID: id, Action: '202', PriceSL: sl }) }]);
    expect(position.priceSL).toBe(Number(sl));
    expect((await main.call('/api/dealer/get_request_result', { id })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });

  it('refuses stops on the wrong side of the price with 10016', async () => {
    const position = buy();
    const sent = await main.call('/api/dealer/send_request', {}, { Action: 202, Login: position.login.toString(), Symbol: 'EURUSD', Position: position.position.toString(), PriceSL: '1.2', PriceTP: '0' });
    const id = String(answerOf(sent)['ID']);
    const [result] = listOf(await until(() => main.call('/api/dealer/get_request_result', { id })));
    expect(result).toEqual({ result: expect.objectContaining({ Retcode: '10016' }) });
  });

  it('keeps results for the session that sent the request', async () => {
    const position = buy();
    const sent = await main.call('/api/dealer/send_request', {}, { Action: '202', Login: position.login.toString(), Symbol: 'EURUSD', Position: position.position.toString(), PriceSL: '0', PriceTP: '0' });
    const other = new WebApiTestClient(cluster.main.webApiUrl);
    try {
      await other.authenticate(MANAGER.login, MANAGER.password);
      expect((await other.call('/api/dealer/get_request_result', { id: String(answerOf(sent)['ID']) })).code).toBe(MtRetcode.ERR_NOTFOUND);
    } finally {
      other.close();
    }
  });

  it('refuses an action it does not simulate with 12002 and a malformed one with 3', async () => {
    expect((await main.call('/api/dealer/send_request', {}, { Action: '200', Login: '500001', Symbol: 'EURUSD' })).code).toBe(MtRetcode.API_NOT_SUPPORTED);
    expect((await main.call('/api/dealer/send_request', {}, { Action: '42' })).code).toBe(MtRetcode.ERR_PARAMS);
  });
});

describe('dealer queue limits', () => {
  let simulator: RunningSimulator;
  let client: WebApiTestClient;
  const modify = { Action: '202', Login: '500001', Symbol: 'EURUSD', Position: '1', PriceSL: '0', PriceTP: '0' };

  beforeAll(async () => {
    simulator = await startSimulator({ host: '127.0.0.1', port: 0, managers: [MANAGER], maxConnections: 4, dealer: { maxQueued: 2, processingDelayMs: 200, resultTtlMs: 50 } });
    client = new WebApiTestClient(simulator.webApiUrl);
    await client.authenticate(MANAGER.login, MANAGER.password);
  });

  afterAll(async () => {
    client.close();
    await simulator.stop();
  });

  it('refuses more than the queue holds with 10024, and drops results left unread', async () => {
    const first = await client.call('/api/dealer/send_request', {}, modify);
    expect((await client.call('/api/dealer/send_request', {}, modify)).code).toBe(0);
    expect((await client.call('/api/dealer/send_request', {}, modify)).code).toBe(MtRetcode.REQUEST_TOO_MANY);
    expect(simulator.stats().dealerQueued).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await client.call('/api/dealer/get_request_result', { id: String(answerOf(first)['ID']) })).code).toBe(MtRetcode.ERR_NOTFOUND);
  });

  it('is a main server that takes configuration writes', async () => {
    expect((await client.call('/api/group/add', {}, { Group: 'real\\retail\\usd', MarginCall: '110' })).code).toBe(0);
  });
});
