import { MtRetcode, MtUserRights, webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { generateSimulatorCertificate, startSimulatorCluster, type RunningSimulatorCluster } from '@tradewarden/mt-simulator';
import type { NewAccount } from '../mt/mt-connector';
import { MtServerPool } from '../pool/mt-server-pool';
import { Mt5Connector } from './mt5-connector';
import { MtRetcodeError } from './mt5-errors';

// The MT5 connector's writes against a simulated cluster (a main server and a trade server) over real TLS sockets.
describe('MT5 connector writes', () => {
  let cluster: RunningSimulatorCluster;
  let main: Mt5Connector;
  let trade: Mt5Connector;
  const password = 'writes-test-manager-password';
  const pools: MtServerPool[] = [];

  beforeAll(async () => {
    const certificate = await generateSimulatorCertificate();
    cluster = await startSimulatorCluster({
      host: '127.0.0.1',
      managers: [{ login: '1000', password }],
      maxConnections: 20,
      tls: certificate,
      seed: 11,
      servers: [
        { id: 'main', port: 0, main: true, generatedAccounts: 50 },
        { id: 'trade', port: 0, main: false, generatedAccounts: 50 },
      ],
    });
    const connect = (url: string) => {
      const pool = new MtServerPool(
        'sim',
        { baseUrl: url, managerLogin: '1000', password, requestTimeoutMs: 2000, tls: { pinnedSha256: certificate.fingerprint256 } },
        { maxConnections: 2, minIdle: 0, acquireTimeoutMs: 5000, requestsPerSecond: 10000, breakerThreshold: 5, breakerHalfOpenAfterMs: 500 },
      );
      pools.push(pool);
      return new Mt5Connector(pool);
    };
    main = connect(cluster.main.webApiUrl);
    trade = connect(cluster.server('trade').webApiUrl);
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.drain()));
    await cluster?.stop();
  });

  const newAccount = (overrides: Partial<NewAccount> = {}): NewAccount => ({
    login: '',
    group: 'real\\retail\\usd',
    firstName: 'Ines',
    lastName: 'Varga',
    email: 'ines.varga@example.com',
    phone: '+36 1 555 0199',
    country: 'HU',
    city: 'Budapest',
    comment: 'crm 88121',
    leverage: 100,
    mainPassword: 'Main-pass-42',
    investorPassword: 'Inv-pass-42x',
    ...overrides,
  });

  it('opens an account on an allocated login of the server it asks, passwords in the body only', async () => {
    const login = await trade.createAccount(newAccount());
    const stored = cluster.server('trade').state.accounts.get(BigInt(login))!;
    expect(stored).toMatchObject({ group: 'real\\retail\\usd', firstName: 'Ines', city: 'Budapest', leverage: 100 });
    expect(cluster.main.state.accounts.has(BigInt(login))).toBe(false);
    expect(stored.passwordHashes.main).toBe(webApiPasswordHash('Main-pass-42').toString('hex'));
    expect(await trade.getAccount(login)).toMatchObject({ login, enabled: true, tradingEnabled: true, phone: '+36 1 555 0199' });
  });

  it('surfaces the server refusals of account opening as retcodes', async () => {
    const taken = await main.createAccount(newAccount());
    await expect(main.createAccount(newAccount({ login: taken }))).rejects.toMatchObject({ code: MtRetcode.USR_LOGIN_EXIST });
    await expect(main.createAccount(newAccount({ mainPassword: 'weak' }))).rejects.toMatchObject({ code: MtRetcode.USR_INVALID_PASSWORD });
    const tradeLogin = await trade.createAccount(newAccount());
    await expect(main.createAccount(newAccount({ login: String(BigInt(tradeLogin) + 1n) }))).rejects.toMatchObject({ code: MtRetcode.USR_LOGIN_PROHIBITED });
  });

  it('changes a password', async () => {
    const login = await main.createAccount(newAccount());
    await main.changePassword(login, 'investor', 'Fresh-inv-77');
    expect(cluster.main.state.accounts.get(BigInt(login))!.passwordHashes.investor).toBe(webApiPasswordHash('Fresh-inv-77').toString('hex'));
    await expect(main.changePassword(login, 'main', 'alllowercase')).rejects.toBeInstanceOf(MtRetcodeError);
  });

  it('updates only the account fields given, and one rights bit', async () => {
    const login = await main.createAccount(newAccount());
    const rightsBefore = cluster.main.state.accounts.get(BigInt(login))!.rights;
    await main.updateAccount(login, { leverage: 50, enabled: true, tradingEnabled: false, lastName: 'Varga-Kiss' });
    const account = await main.getAccount(login);
    expect(account).toMatchObject({ leverage: 50, tradingEnabled: false, enabled: true, firstName: 'Ines', lastName: 'Varga-Kiss', email: 'ines.varga@example.com' });
    expect(cluster.main.state.accounts.get(BigInt(login))!.rights).toBe(rightsBefore | MtUserRights.TRADE_DISABLED);
    await expect(main.updateAccount('599999', { leverage: 10 })).rejects.toMatchObject({ code: MtRetcode.ERR_NOTFOUND });
  });

  it('writes configuration through the main server, visible on the trade server, and is refused by a trade server', async () => {
    const before = await main.getGroup('real\\retail\\eur');
    await main.updateGroup('real\\retail\\eur', { marginCall: '90', symbols: [...before.symbols, 'Crypto\\*'] });
    expect(await trade.getGroup('real\\retail\\eur')).toMatchObject({ marginCall: '90', symbols: [...before.symbols, 'Crypto\\*'] });
    await expect(trade.updateGroup('real\\retail\\eur', { marginCall: '80' })).rejects.toMatchObject({ code: MtRetcode.API_MAIN_SERVER_ONLY });
    await expect(trade.updateSymbol('EURUSD', { spread: 9 })).rejects.toMatchObject({ code: MtRetcode.API_MAIN_SERVER_ONLY });
    await main.updateSymbol('EURUSD', { spread: 9, sessionsQuotes: [[], [{ open: 0, close: 1440 }], [{ open: 0, close: 1440 }], [{ open: 0, close: 1440 }], [{ open: 0, close: 1440 }], [{ open: 0, close: 1380 }], []] });
    const [eurusd] = await trade.getSymbols('EURUSD');
    expect(eurusd).toMatchObject({ spread: 9 });
    expect(eurusd!.sessionsQuotes[5]).toEqual([{ open: 0, close: 1380 }]);
  });

  it('moves stops through the dealer queue, which applies trade rules', async () => {
    const holder = [...cluster.main.state.positions.values()].find((candidate) => candidate.action === 1 && candidate.symbol === 'GBPUSD')!;
    const login = holder.login.toString();
    const ticket = holder.position.toString();
    const ask = cluster.main.state.symbols.get('GBPUSD')!.bid + 0.00015;
    await expect(main.modifyPositionStops(login, ticket, { priceSl: (ask - 0.01).toFixed(5) })).rejects.toMatchObject({ code: MtRetcode.REQUEST_INVALID_STOPS });
    const takeProfitBefore = holder.priceTP;
    await main.modifyPositionStops(login, ticket, { priceSl: (ask + 0.01).toFixed(5) });
    expect(cluster.main.state.positions.get(holder.position)).toMatchObject({ priceSL: Number((ask + 0.01).toFixed(5)), priceTP: takeProfitBefore });
    await expect(main.modifyPositionStops(login, '1', { priceSl: '1' })).rejects.toMatchObject({ code: MtRetcode.ERR_NOTFOUND });
  });

  it('reads balance and credit from the user record; free margin (the trade state) only when asked', async () => {
    const [plain] = await main.getAccounts(['500002'], { margin: false });
    const [withMargin] = await main.getAccounts(['500002'], { margin: true });
    const simulated = cluster.main.state.accounts.get(500002n)!;
    expect(plain!.marginFree).toBeUndefined();
    expect([plain!.balance.units, plain!.credit.units]).toEqual([withMargin!.balance.units, withMargin!.credit.units]);
    expect(withMargin!.balance.format(2)).toBe((Number(simulated.balance) / 100).toFixed(2));
    expect(withMargin!.marginFree!.format(2)).toBe((Number(simulated.balance + simulated.credit - simulated.margin) / 100).toFixed(2));
    expect((await main.getAccount('500002')).marginFree).toBeDefined();
    expect((await main.getAccount('500002', { margin: false })).marginFree).toBeUndefined();
  });

  it('reads the open orders of an account and moves their stops with order/update, on the server that holds them', async () => {
    const order = [...cluster.main.state.orders.values()][0]!;
    const login = order.login.toString();
    const ticket = order.order.toString();
    const { digits } = cluster.main.state.symbols.get(order.symbol)!;
    expect((await main.getOrders(login)).map((found) => found.order)).toContain(ticket);
    expect(await main.getOrder(login, ticket)).toMatchObject({ symbol: order.symbol, type: order.type, priceOrder: order.priceOrder.toFixed(digits), priceTrigger: '0' });
    expect(await main.getOrder('500001', ticket)).toBeUndefined();
    const takeProfit = order.priceTP;
    await main.updateOrderStops(login, ticket, { priceSl: '0' });
    expect(cluster.main.state.orders.get(order.order)).toMatchObject({ priceSL: 0, priceTP: takeProfit, priceOrder: order.priceOrder });
    expect(Number((await main.getOrder(login, ticket))!.priceSL)).toBe(0);
    await expect(trade.updateOrderStops(login, ticket, { priceSl: '1' })).rejects.toMatchObject({ code: MtRetcode.ERR_NOTFOUND });
  });

  it('moves the stops of a position on the server that holds it', async () => {
    const holder = [...cluster.main.state.positions.values()][0]!;
    const login = holder.login.toString();
    const ticket = holder.position.toString();
    await main.updatePosition(login, ticket, { priceSl: '0', priceTp: (holder.priceOpen * 1.5).toFixed(2) });
    const position = await main.getPosition(login, ticket);
    expect(Number(position!.priceSL)).toBe(0);
    expect(Number(position!.priceTP)).toBeCloseTo(holder.priceOpen * 1.5, 2);
    expect(await trade.getPosition(login, ticket)).toBeUndefined();
    await expect(trade.updatePosition(login, ticket, { priceSl: '1' })).rejects.toMatchObject({ code: MtRetcode.ERR_NOTFOUND });
  });
});
