import { status, type ServiceError } from '@grpc/grpc-js';
import { fetchClientCredentialsToken } from '@tradewarden/auth';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { matchesGroupMask } from '@tradewarden/mt5-webapi-protocol';
import { gatewayV1 } from '@tradewarden/proto';
import { harnessServers, serviceAccount } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

// The gateway's live reads, as intake and the other services call them, against the simulator's seeded data.
describe('gateway reads', () => {
  let platform: InProcessPlatform;
  let gateway: GrpcClient<typeof gatewayV1.GatewayServiceService>;
  let token: string;

  beforeAll(async () => {
    platform = await startInProcessPlatform('reads', { generatedAccounts: 1200 });
    gateway = createGrpcClient(gatewayV1.GatewayServiceService, platform.addresses.gateway, 'GatewayService');
    const servers = harnessServers();
    const account = serviceAccount('intake');
    token = (await fetchClientCredentialsToken(servers.keycloakUrl, servers.realm, account.clientId, account.clientSecret)).accessToken;
  });

  afterAll(async () => {
    gateway?.close();
    await platform?.stop();
  });

  const call = <K extends keyof typeof gatewayV1.GatewayServiceService & string>(method: K, request: Parameters<(typeof gatewayV1.GatewayServiceService)[K]['requestSerialize']>[0]) =>
    unaryCall(gateway, method, request as never, bearerMetadata(token), 30_000) as Promise<ReturnType<(typeof gatewayV1.GatewayServiceService)[K]['responseDeserialize']>>;

  it('reads several accounts in one call and names the missing ones', async () => {
    const reply = await call('getAccounts', { serverId: platform.serverId, logins: ['500001', '600007', '999999'], includeMargin: false });
    expect(reply.accounts.map((account) => account.login).sort()).toEqual(['500001', '600007']);
    expect(reply.missingLogins).toEqual(['999999']);
    const demo = reply.accounts.find((account) => account.login === '500001')!;
    expect(demo.balance).toEqual({ amount: expect.stringMatching(/^\d+\.\d{2}$/), currency: 'USD' });
  });

  it('reads balance and credit from the user record, and the trade state only when free margin is asked for', async () => {
    const logins = ['500002', '500003'];
    const withMargin = await call('getAccounts', { serverId: platform.serverId, logins, includeMargin: true });
    // 500002: 2,000.00 balance, 150.00 margin held; 500003: 3,000.00 and 300.00 (the seeded demo accounts).
    expect(withMargin.accounts.map((account) => [account.login, account.balance?.amount, account.marginFree?.amount])).toEqual([
      ['500002', '2000.00', '1850.00'],
      ['500003', '3000.00', '2700.00'],
    ]);
    // With the trade-state command failing, a read that does not need it is untouched and one that does fails.
    platform.simulator.setFaults({ errorRate: 1, errorRetcode: 8, paths: ['/api/user/account/get'] });
    try {
      const withoutMargin = await call('getAccounts', { serverId: platform.serverId, logins, includeMargin: false });
      expect(withoutMargin.accounts.map((account) => [account.login, account.balance?.amount, account.credit?.amount, account.marginFree])).toEqual([
        ['500002', '2000.00', '0.00', undefined],
        ['500003', '3000.00', '0.00', undefined],
      ]);
      await expect(call('getAccounts', { serverId: platform.serverId, logins, includeMargin: true })).rejects.toBeDefined();
      await expect(call('getAccount', { serverId: platform.serverId, login: '500002' })).rejects.toBeDefined();
    } finally {
      platform.simulator.resetFaults();
    }
    expect((await call('getAccount', { serverId: platform.serverId, login: '500002' })).account?.marginFree?.amount).toBe('1850.00');
  });

  it('pages through the accounts of a group mask', async () => {
    const mask = 'real\\*,!real\\pro\\*';
    const expected = [...platform.simulator.state.accounts.values()].filter((account) => matchesGroupMask(mask, account.group)).length;
    const logins: string[] = [];
    let pageToken = '';
    do {
      const page = await call('findAccounts', { serverId: platform.serverId, groupMask: mask, pageSize: 250, pageToken });
      expect(page.logins.length).toBeLessThanOrEqual(250);
      logins.push(...page.logins);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(logins).toHaveLength(expected);
    expect(new Set(logins).size).toBe(expected);
    expect(expected).toBeGreaterThan(250);
  });

  it('reads a group, symbols with sessions and swaps, and positions', async () => {
    const group = await call('getGroup', { serverId: platform.serverId, group: 'real\\retail\\eur' });
    expect(group.group).toMatchObject({ currency: 'EUR', currencyDigits: 2, marginCall: '100', marginStopOut: '50' });

    const symbols = await call('getSymbols', { serverId: platform.serverId, mask: 'Forex\\*' });
    expect(symbols.symbols.map((symbol) => symbol.symbol).sort()).toEqual(['EURUSD', 'GBPUSD', 'USDJPY']);
    const eurusd = symbols.symbols.find((symbol) => symbol.symbol === 'EURUSD')!;
    expect(eurusd).toMatchObject({ digits: 5, swapLong: '-6.8', tripleSwapDay: 3 });
    expect(eurusd.sessionsTrades).toHaveLength(7);
    expect(eurusd.sessionsTrades[1]!.sessions).toEqual([{ openMinute: 0, closeMinute: 1440 }]);

    const holder = [...platform.simulator.state.positions.values()][0]!;
    const positions = await call('getPositions', { serverId: platform.serverId, login: holder.login.toString() });
    const expected = [...platform.simulator.state.positions.values()].filter((position) => position.login === holder.login);
    expect(positions.positions.map((position) => position.position).sort()).toEqual(expected.map((position) => position.position.toString()).sort());
    expect(positions.positions[0]!.volume).toMatch(/^\d+\.\d{4}$/);
  });

  it('reads the open orders of an account, or one by ticket, and none of another account', async () => {
    const order = [...platform.simulator.state.orders.values()][0]!;
    const login = order.login.toString();
    const all = await call('getOrders', { serverId: platform.serverId, login, order: '' });
    const expected = [...platform.simulator.state.orders.values()].filter((candidate) => candidate.login === order.login);
    expect(all.orders.map((found) => found.order).sort()).toEqual(expected.map((candidate) => candidate.order.toString()).sort());
    const { digits } = platform.simulator.state.symbols.get(order.symbol)!;
    const one = await call('getOrders', { serverId: platform.serverId, login, order: order.order.toString() });
    expect(one.orders).toEqual([
      expect.objectContaining({ order: order.order.toString(), login, symbol: order.symbol, type: order.type, priceOrder: order.priceOrder.toFixed(digits), priceTrigger: '0', priceSl: order.priceSL.toFixed(digits) }),
    ]);
    expect(one.orders[0]!.volume).toMatch(/^\d+\.\d{4}$/);
    expect((await call('getOrders', { serverId: platform.serverId, login: '500001', order: order.order.toString() })).orders).toEqual([]);
  });

  it('reports the pool of each server, and never opened more connections than its cap', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => call('getAccount', { serverId: platform.serverId, login: String(600001 + i) })));
    const health = await call('getServerHealth', { serverId: '' });
    expect(health.servers).toEqual([
      expect.objectContaining({ serverId: platform.serverId, breaker: 'closed', maxConnections: 3, errors: '0' }),
    ]);
    expect(Number(health.servers[0]!.requests)).toBeGreaterThan(40);
    expect(platform.simulator.state.peakConnections).toBeLessThanOrEqual(3);
  });

  it('names the field of a bad request', async () => {
    const error = (await call('getAccounts', { serverId: platform.serverId, logins: ['500001', 'abc'], includeMargin: false }).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('logins[1]');
    const unknownServer = (await call('getGroup', { serverId: 'mt5-nowhere', group: 'x' }).catch((e: unknown) => e)) as ServiceError;
    expect(unknownServer.code).toBe(status.NOT_FOUND);
  });

  // Last: it leaves the server's circuit breaker open for a while.
  it('says when the MT server cannot be reached, and that another gateway instance would not do better', async () => {
    platform.simulator.setFaults({ dropRate: 1, paths: ['/api/user/get_batch', '/api/user/get'] });
    try {
      const error = (await call('getAccounts', { serverId: platform.serverId, logins: ['500001'], includeMargin: false }).catch((e: unknown) => e)) as ServiceError;
      expect(error.code).toBe(status.UNAVAILABLE);
      // The trailer that keeps a caller's retry policy from sending the read to another instance (which shares the server).
      expect(error.metadata.get('grpc-retry-pushback-ms')).toEqual(['-1']);
    } finally {
      platform.simulator.resetFaults();
    }
  });
});
