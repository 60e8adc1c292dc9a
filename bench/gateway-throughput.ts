/**
 * Gateway throughput against direct MT5 Web API calls to the same simulator, in the same run and with the same
 * connection cap, at 0 ms and 2 ms simulated latency. Prints operations per second and the ratio (target at 2 ms:
 * gateway >= 0.9 of direct). One operation = reading an account (user, trade state, group: three Web API requests).
 *
 *   npm run bench:gateway          (BENCH_SECONDS=10 BENCH_CONNECTIONS=4 BENCH_CONCURRENCY=32 to change)
 */
import { Mt5WebApiSession } from '../services/gateway/src/mt5/mt5-webapi-session';
import { Mt5Connector } from '../services/gateway/src/mt5/mt5-connector';
import { MtServerPool } from '../services/gateway/src/pool/mt-server-pool';
import { generateSimulatorCertificate, startSimulator } from '@tradewarden/mt-simulator';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 8);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 4);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const PASSWORD = 'bench-manager-password';

async function measure(run: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await run();
        operations += 1;
      }
    }),
  );
  return operations / seconds;
}

async function main(): Promise<void> {
  const certificate = await generateSimulatorCertificate();
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    managers: [{ login: '1000', password: PASSWORD }],
    maxConnections: connections * 2 + 2,
    tls: certificate,
    generatedAccounts: 2000,
    seed: 3,
  });
  const sessionOptions = { baseUrl: simulator.webApiUrl, managerLogin: '1000', password: PASSWORD, requestTimeoutMs: 10_000, tls: { pinnedSha256: certificate.fingerprint256 } };
  let next = 0;
  const login = () => String(600001 + (next++ % 2000));

  // Direct: `connections` authenticated sessions, callers take whichever is free (a minimal hand-made pool).
  const sessions = await Promise.all(Array.from({ length: connections }, async () => {
    const session = new Mt5WebApiSession(sessionOptions);
    await session.open();
    return session;
  }));
  const free = [...sessions];
  const waiters: ((session: Mt5WebApiSession) => void)[] = [];
  const borrow = () => (free.length > 0 ? Promise.resolve(free.pop()!) : new Promise<Mt5WebApiSession>((resolve) => waiters.push(resolve)));
  const giveBack = (session: Mt5WebApiSession) => (waiters.length > 0 ? waiters.shift()!(session) : free.push(session));
  const direct = async () => {
    const session = await borrow();
    try {
      const user = (await session.request<{ Group: string }>('/api/user/get', { login: login() })).answer;
      await session.request('/api/user/account/get', { login: String(600001 + (next % 2000)) });
      await session.request('/api/group/get', { group: user.Group });
    } finally {
      giveBack(session);
    }
  };

  const pool = new MtServerPool('bench', sessionOptions, {
    maxConnections: connections,
    minIdle: connections,
    acquireTimeoutMs: 30_000,
    requestsPerSecond: 1_000_000,
    breakerThreshold: 5,
    breakerHalfOpenAfterMs: 10_000,
  });
  pool.start();
  const connector = new Mt5Connector(pool);
  const gateway = () => connector.getAccount(login());

  const rows: string[] = [];
  for (const latency of [0, 2]) {
    simulator.setFaults({ latencyMs: { base: latency, jitter: 0 } });
    await measure(direct).then(() => undefined); // warm-up of both paths at this latency
    const directRate = await measure(direct);
    const gatewayRate = await measure(gateway);
    rows.push(
      `latency ${latency} ms: direct ${directRate.toFixed(0)} ops/s, gateway ${gatewayRate.toFixed(0)} ops/s, ratio ${(gatewayRate / directRate).toFixed(2)}` +
        `${latency === 2 ? (gatewayRate / directRate >= 0.9 ? '  (target >= 0.90 met)' : '  (target >= 0.90 NOT met)') : ''}`,
    );
  }
  const stats = pool.stats();
  console.log(`gateway throughput vs direct MT5 Web API (${connections} connections, ${concurrency} callers, ${seconds} s per measurement)`);
  for (const row of rows) console.log(`  ${row}`);
  console.log(`  pool: max ${stats.max}, peak connections on the simulator ${simulator.state.peakConnections}, errors ${stats.errors}`);
  await pool.drain();
  await Promise.all(sessions.map((session) => session.close()));
  await simulator.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
