import { BrokenCircuitError } from 'cockatiel';
import { MtBalanceType } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { generateSimulatorCertificate, startSimulator, type RunningSimulator, type SimulatorCertificate } from '@tradewarden/mt-simulator';
import { Mt5Connector } from '../mt5/mt5-connector';
import { MtAuthenticationError, MtTransportError } from '../mt5/mt5-errors';
import { MtServerPool, type PoolSettings } from './mt-server-pool';

// Connector and pool against the MT5 simulator over real TLS sockets.
describe('MT server pool against the simulator', () => {
  let certificate: SimulatorCertificate;
  let simulator: RunningSimulator;
  const password = 'pool-test-manager-password';
  const pools: MtServerPool[] = [];

  const settings = (overrides: Partial<PoolSettings> = {}): PoolSettings => ({
    maxConnections: 3,
    minIdle: 1,
    acquireTimeoutMs: 5000,
    requestsPerSecond: 10000,
    breakerThreshold: 5,
    breakerHalfOpenAfterMs: 500,
    ...overrides,
  });

  function connector(options: { password?: string; pinned?: string; settings?: Partial<PoolSettings>; url?: string } = {}): Mt5Connector {
    const pool = new MtServerPool(
      'sim',
      {
        baseUrl: options.url ?? simulator.webApiUrl,
        managerLogin: '1000',
        password: options.password ?? password,
        requestTimeoutMs: 2000,
        tls: { pinnedSha256: options.pinned ?? certificate.fingerprint256 },
      },
      settings(options.settings),
    );
    pools.push(pool);
    return new Mt5Connector(pool);
  }

  const start = (port = 0) =>
    startSimulator({ host: '127.0.0.1', port, managers: [{ login: '1000', password }], maxConnections: 50, tls: certificate, seed: 7 });

  beforeAll(async () => {
    certificate = await generateSimulatorCertificate();
    simulator = await start();
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.drain().catch(() => undefined)));
    simulator.setFaults({ dropRate: 0, stallRate: 0, errorRate: 0, lostAnswerRate: 0, latencyMs: { base: 0, jitter: 0 }, paths: [] });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  it('never opens more connections than the cap, however many callers', async () => {
    simulator.state.peakConnections = simulator.state.openConnections;
    simulator.setFaults({ latencyMs: { base: 5, jitter: 5 } });
    const mt = connector({ settings: { maxConnections: 3 } });
    let peakInUse = 0;
    const results = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const account = await mt.getAccount(String(500001 + (i % 5)));
        peakInUse = Math.max(peakInUse, mt.pool.stats().inUse);
        return account;
      }),
    );
    expect(results).toHaveLength(60);
    expect(results[0]!.balance.format(2)).toMatch(/^\d+\.\d{2}$/);
    expect(simulator.state.peakConnections).toBeLessThanOrEqual(3);
    expect(peakInUse).toBeLessThanOrEqual(3);
    expect(mt.pool.stats()).toMatchObject({ max: 3, requests: 60, errors: 0, breaker: 'closed' });
  });

  it('refuses a server whose certificate does not match the pinned fingerprint', async () => {
    const mt = connector({ pinned: 'AA:'.repeat(31) + 'AA', settings: { acquireTimeoutMs: 1500 } });
    await expect(mt.getAccount('500001')).rejects.toBeInstanceOf(MtTransportError);
  });

  it('fails with an authentication error on a wrong password, without retrying it', async () => {
    const pool = new MtServerPool(
      'sim-bad-password',
      { baseUrl: simulator.webApiUrl, managerLogin: '1000', password: 'wrong-password', requestTimeoutMs: 2000, tls: { pinnedSha256: certificate.fingerprint256 } },
      settings({ acquireTimeoutMs: 1500, minIdle: 0 }),
    );
    pools.push(pool);
    const failure = await pool.run(async () => 'unreachable').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MtTransportError);
    expect(String((failure as Error).message)).toContain('no connection within 1500 ms');
    expect(MtAuthenticationError).toBeDefined();
  });

  it('reconnects after dropped connections and still answers every read', async () => {
    const mt = connector();
    simulator.setFaults({ dropRate: 0.2, paths: ['/api/user/get'] });
    const accounts = await Promise.all(Array.from({ length: 30 }, () => mt.getAccount('500002')));
    expect(accounts.every((account) => account.login === '500002')).toBe(true);
    expect(mt.pool.stats().errors).toBeGreaterThan(0);
  });

  it('opens the circuit when the server is gone and closes it when the server is back', async () => {
    const port = Number(new URL(simulator.webApiUrl).port);
    const mt = connector({ settings: { breakerThreshold: 3, acquireTimeoutMs: 800, minIdle: 0 } });
    await mt.getAccount('500001');
    await simulator.stop();
    for (let i = 0; i < 3; i += 1) await expect(mt.pool.run((session) => session.request('/api/test/access'))).rejects.toBeInstanceOf(MtTransportError);
    expect(mt.pool.stats().breaker).toBe('open');
    await expect(mt.pool.run((session) => session.request('/api/test/access'))).rejects.toBeInstanceOf(BrokenCircuitError);
    simulator = await start(port);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(mt.getAccount('500001')).resolves.toMatchObject({ login: '500001' });
    expect(mt.pool.stats().breaker).toBe('closed');
  });

  it('drains: waits for the request in flight, then refuses new work', async () => {
    const mt = connector();
    simulator.setFaults({ latencyMs: { base: 300, jitter: 0 } });
    const inFlight = mt.getAccount('500003');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await mt.pool.drain();
    await expect(inFlight).resolves.toMatchObject({ login: '500003' });
    await expect(mt.getAccount('500003')).rejects.toThrow('shutting down');
  });

  it('a lost answer leaves the deposit applied, and the deal history shows its token', async () => {
    const mt = connector();
    simulator.setFaults({ lostAnswerRate: 1, paths: ['/api/trade/balance'] });
    const token = 'TW-lostanswer0000000000000001';
    const before = simulator.state.accounts.get(500004n)!.balance;
    await expect(mt.balanceOperation('500004', MtBalanceType.BALANCE, DecimalAmount.parse('12.34', 2), token)).rejects.toBeInstanceOf(MtTransportError);
    expect(simulator.state.accounts.get(500004n)!.balance - before).toBe(1234n);
    const deals = await mt.balanceDealsSince('500004', new Date(Date.now() - 60_000));
    expect(deals.filter((deal) => deal.comment === token).map((deal) => deal.amount.format(2))).toEqual(['12.34']);
  });

  it('authenticates again, unnoticed by callers, after the server dropped an idle session', async () => {
    const idle = await startSimulator({ host: '127.0.0.1', port: 0, managers: [{ login: '1000', password }], maxConnections: 10, tls: certificate, idleDropMs: 3000 });
    try {
      const mt = connector({ url: idle.webApiUrl });
      await expect(mt.getAccount('500001')).resolves.toMatchObject({ login: '500001' });
      await new Promise((resolve) => setTimeout(resolve, 4500));
      expect(idle.state.counters.idleDrops).toBeGreaterThanOrEqual(1);
      await expect(mt.getAccount('500002')).resolves.toMatchObject({ login: '500002' });
      expect(mt.pool.stats().errors).toBe(0);
    } finally {
      await Promise.all(pools.splice(0).map((pool) => pool.drain().catch(() => undefined)));
      await idle.stop();
    }
  });
});
