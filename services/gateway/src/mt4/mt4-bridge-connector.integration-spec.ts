import { MtBalanceType } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { generateSimulatorCertificate, startMt4Bridge, type RunningMt4Bridge, type SimulatorCertificate } from '@tradewarden/mt-simulator';
import { MtAuthenticationError, MtRetcodeError, MtTransportError } from '../mt5/mt5-errors';
import type { PoolSettings } from '../pool/mt-server-pool';
import type { BridgeTls } from './bridge-credentials';
import { Mt4BridgeConnector } from './mt4-bridge-connector';

// The MT4 connector against the simulator's implementation of the manager-bridge contract, over real gRPC with TLS.
describe('MT4 through the manager bridge', () => {
  let bridge: RunningMt4Bridge;
  let certificate: SimulatorCertificate;
  const key = 'bridge-test-key';
  const connectors: Mt4BridgeConnector[] = [];
  const settings: PoolSettings = { maxConnections: 2, minIdle: 0, acquireTimeoutMs: 5000, requestsPerSecond: 10000, breakerThreshold: 5, breakerHalfOpenAfterMs: 500 };

  const connector = (bridgeKey = key, tls: BridgeTls = { pinnedSha256: certificate.fingerprint256 }) => {
    const created = new Mt4BridgeConnector('mt4-sim', { address: bridge.address, bridgeKey, requestTimeoutMs: 2000, tls }, settings);
    connectors.push(created);
    return created;
  };

  beforeAll(async () => {
    certificate = await generateSimulatorCertificate();
    bridge = await startMt4Bridge({ host: '127.0.0.1', port: 0, bridgeKey: key, generatedAccounts: 200, seed: 9, tls: certificate });
  });

  afterEach(() => bridge.setFaults({ lostAnswerRate: 0, dropRate: 0, latencyMs: { base: 0, jitter: 0 }, paths: [] }));

  afterAll(async () => {
    await Promise.all(connectors.map((created) => created.drain()));
    await bridge.stop();
  });

  it('reads accounts, groups, symbols and positions in the gateway model', async () => {
    const mt4 = connector();
    const account = await mt4.getAccount('700002');
    expect(account).toMatchObject({ login: '700002', group: 'real-pro-usd', currency: 'USD', currencyDigits: 2 });
    expect(account.balance.format(2)).toBe('5000.00');
    const accounts = await mt4.getAccounts(['700001', '799999']);
    expect(accounts.map((found) => found.login)).toEqual(['700001']);
    await expect(mt4.getAccount('799999')).rejects.toMatchObject({ notFound: true });

    const logins = await mt4.findLogins('real-*,!real-pro-*');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((login) => bridge.state.accounts.get(BigInt(login))!.group === 'real-std-usd')).toBe(true);

    expect(await mt4.getGroup('demo-std')).toMatchObject({ currency: 'USD', marginCall: '80', marginStopOut: '20' });

    const [eurusd] = await mt4.getSymbols('EURUSD');
    // MT4 sends the triple-swap day counted from Monday; the gateway speaks MT5's count from Sunday (3 = Wednesday).
    expect(eurusd).toMatchObject({ symbol: 'EURUSD', digits: 5, swap3Day: 3, tradeMode: 4 });
    expect(eurusd!.sessionsTrades[1]).toEqual([{ open: 0, close: 1440 }]);

    const holder = [...bridge.state.positions.values()][0]!;
    const positions = await mt4.getPositions(holder.login.toString());
    expect(positions.map((position) => position.position)).toContain(holder.position.toString());
    expect(positions[0]!.volume.toString()).toMatch(/^\d+\.\d{2}$/);
  });

  it('reads pending orders (cmd 2-5) apart from open trades, and moves their stops through trade logic', async () => {
    const mt4 = connector();
    const order = [...bridge.state.orders.values()].find((candidate) => candidate.type === 3)!;
    const login = order.login.toString();
    const ticket = order.order.toString();
    const { digits } = bridge.state.symbols.get(order.symbol)!;
    const orders = await mt4.getOrders(login);
    expect(orders.map((found) => found.order).sort()).toEqual([...bridge.state.orders.values()].filter((candidate) => candidate.login === order.login).map((candidate) => candidate.order.toString()).sort());
    expect(await mt4.getOrder(login, ticket)).toMatchObject({ symbol: order.symbol, type: 3, priceOrder: order.priceOrder.toFixed(digits), priceTrigger: '0' });
    expect((await mt4.getPositions(login)).map((position) => position.position)).not.toContain(ticket);
    // A sell limit's stop loss belongs above its price: below it, trade logic answers 130.
    await expect(mt4.updateOrderStops(login, ticket, { priceSl: (order.priceOrder * 0.99).toFixed(digits) })).rejects.toMatchObject({ code: 130 });
    const takeProfit = order.priceTP;
    const stopLoss = (order.priceOrder * 1.01).toFixed(digits);
    await mt4.updateOrderStops(login, ticket, { priceSl: stopLoss });
    expect(bridge.state.orders.get(order.order)).toMatchObject({ priceSL: Number(stopLoss), priceTP: takeProfit, priceOrder: order.priceOrder });
    await expect(mt4.updateOrderStops('700001', ticket, { priceSl: stopLoss })).rejects.toMatchObject({ notFound: true });
  });

  it('books a deposit tagged with its token, and finds it in the history even when the answer is lost', async () => {
    const mt4 = connector();
    const before = bridge.state.accounts.get(700003n)!.balance;
    const ticket = await mt4.balanceOperation('700003', MtBalanceType.BALANCE, DecimalAmount.parse('25.50', 2), 'TW-mt4test000000000000000000001');
    expect(ticket).toMatch(/^\d+$/);
    bridge.setFaults({ lostAnswerRate: 1, paths: ['/Balance'] });
    await expect(mt4.balanceOperation('700003', MtBalanceType.BALANCE, DecimalAmount.parse('4.50', 2), 'TW-mt4test000000000000000000002')).rejects.toBeInstanceOf(MtTransportError);
    expect(bridge.state.accounts.get(700003n)!.balance - before).toBe(3000n);
    const deals = await mt4.balanceDealsSince('700003', new Date(Date.now() - 60_000));
    expect(deals.filter((deal) => deal.comment.startsWith('TW-mt4test')).map((deal) => deal.amount.format(2)).sort()).toEqual(['25.50', '4.50']);
  });

  it('answers business refusals with the MT4 return code', async () => {
    const mt4 = connector();
    const withdrawal = mt4.balanceOperation('700001', MtBalanceType.BALANCE, DecimalAmount.parse('-99999999', 2), 'TW-mt4test000000000000000000003');
    await expect(withdrawal).rejects.toBeInstanceOf(MtRetcodeError);
    await expect(withdrawal).rejects.toMatchObject({ code: 134 });
  });

  it('keeps the calls in flight to the bridge within the server cap', async () => {
    const mt4 = connector();
    bridge.state.peakConnections = 0;
    bridge.setFaults({ latencyMs: { base: 5, jitter: 5 } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => mt4.getAccount(String(800001 + (i % 50)))));
    expect(bridge.state.peakConnections).toBeLessThanOrEqual(2);
    expect(mt4.stats()).toMatchObject({ max: 2, breaker: 'closed' });
  });

  it('opens an account on the next free login and sets its passwords, keeping only digests', async () => {
    const mt4 = connector();
    const newAccount = {
      login: '',
      group: 'demo-std',
      firstName: 'Ada',
      lastName: 'Quint',
      email: 'ada.quint@example.com',
      phone: '+353 1 555 0100',
      country: 'IE',
      city: 'Dublin',
      comment: 'opened by test',
      leverage: 100,
      mainPassword: 'Main4pass',
      investorPassword: 'Invest0r',
    };
    const login = await mt4.createAccount(newAccount);
    const highest = [...bridge.state.accounts.keys()].reduce((max, next) => (next > max ? next : max), 0n);
    expect(BigInt(login)).toBe(highest);
    expect(await mt4.getAccount(login)).toMatchObject({ group: 'demo-std', firstName: 'Ada', lastName: 'Quint', city: 'Dublin', enabled: true, tradingEnabled: true });
    const stored = { ...bridge.state.accounts.get(BigInt(login))!.passwordHashes };
    expect(JSON.stringify(stored)).not.toContain('Main4pass');
    await expect(mt4.createAccount({ ...newAccount, login })).rejects.toMatchObject({ code: 3 });
    await expect(mt4.createAccount({ ...newAccount, mainPassword: 'short' })).rejects.toBeInstanceOf(MtRetcodeError);

    await mt4.changePassword(login, 'investor', 'NewInv3st');
    expect(bridge.state.accounts.get(BigInt(login))!.passwordHashes.investor).not.toBe(stored.investor);
    await expect(mt4.changePassword(login, 'main', 'nodigits')).rejects.toBeInstanceOf(MtRetcodeError);
  });

  it('rewrites whole user, group and symbol records, changing only what was asked', async () => {
    const mt4 = connector();
    const before = bridge.state.accounts.get(700005n)!;
    const emailBefore = before.email;
    await mt4.updateAccount('700005', { leverage: 200, tradingEnabled: false });
    expect(await mt4.getAccount('700005')).toMatchObject({ leverage: 200, tradingEnabled: false, enabled: true, email: emailBefore });

    await mt4.updateGroup('real-pro-usd', { marginStopOut: '25' });
    expect(await mt4.getGroup('real-pro-usd')).toMatchObject({ marginCall: '100', marginStopOut: '25' });
    await expect(mt4.updateGroup('real-pro-usd', { marginStopOut: '25.5' })).rejects.toThrow(/whole numbers/);

    const [usdjpyBefore] = await mt4.getSymbols('USDJPY');
    await mt4.updateSymbol('USDJPY', { swapLong: '15.1', tripleSwapDay: 4 });
    const [usdjpy] = await mt4.getSymbols('USDJPY');
    expect(usdjpy).toMatchObject({ swapLong: '15.1', swap3Day: 4, swapShort: usdjpyBefore!.swapShort, spread: usdjpyBefore!.spread });
    await expect(mt4.updateSymbol('USDJPY', { tripleSwapDay: 6 })).rejects.toThrow(/Monday to Friday/);
  });

  it('trusts a bridge by its CA certificate as well as by a pinned fingerprint', async () => {
    await expect(connector(key, { caPem: certificate.certPem }).getAccount('700001')).resolves.toMatchObject({ login: '700001' });
  });

  it('refuses a bridge whose certificate is not the pinned one, sending nothing', async () => {
    const other = await generateSimulatorCertificate();
    await expect(connector(key, { pinnedSha256: other.fingerprint256 }).getAccount('700001')).rejects.toThrow(/not the pinned one/);
  });

  it('refuses a bridge whose certificate does not chain to the configured CA', async () => {
    const other = await generateSimulatorCertificate();
    await expect(connector(key, { caPem: other.certPem }).getAccount('700001')).rejects.toBeInstanceOf(MtTransportError);
  });

  it('is refused with a wrong bridge key', async () => {
    await expect(connector('wrong-key').getAccount('700001')).rejects.toBeInstanceOf(MtAuthenticationError);
  });
});
