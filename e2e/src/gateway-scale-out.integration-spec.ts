import { Client } from 'pg';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import type { RunningSimulator } from '@tradewarden/mt-simulator';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { partitionOfServer } from '../../services/gateway/src/execution/partition-rules';
import { EXECUTION_PARTITIONS } from '../../services/gateway/src/execution/execution-ownership.service';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { attribute, pointValue, startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';
import type { ServiceProcess } from './service-process';

const DEPOSITS_PER_SERVER = 300;
const ACCOUNTS_PER_SERVER = 5;

type SimulatorState = RunningSimulator['state'];

interface ServerUnderTest {
  serverId: string;
  state: SimulatorState;
  /** maxConnections in GATEWAY_SERVERS (in-process-platform): the deployment-wide cap. */
  cap: number;
  logins: bigint[];
}

const tokenOf = (itemId: string) => `TW-${itemId.replace(/-/g, '').slice(0, 28)}`;

// Issue 7, "Scaling the gateway": instances share the servers through one consumer group, the connection cap holds
// across all of them, a joining instance takes servers over from live ones and a killed one's servers move on, with
// every deposit applied exactly once.
describe('several gateway instances share the servers', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let db: Client;
  let servers: ServerUnderTest[];
  /** The live-read loop of the test runs while this is set (cleared in afterAll too, should the test fail mid-way). */
  let reading = false;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver({ keepTraces: false });
    platform = await startInProcessPlatform('scaleout', {
      gateway: 'process',
      gateways: 2,
      // Intake is given all three instances' addresses (the third joins mid-way), so its live reads go to any that is up.
      joiningGateways: 1,
      tradeServer: true,
      // A killed instance's servers move on after the group misses it for this long (30 s in production).
      gatewayEnv: {
        GATEWAY_CONSUMER_SESSION_TIMEOUT_MS: '8000',
        GATEWAY_TAKEOVER_GRACE_MS: '1000',
        // The forwarded-read counts are read from the instances' metrics; no spans (their volume would only load
        // this process, which runs the simulators).
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    db = new Client({ connectionString: platform.databaseAdminUrl });
    await db.connect();
    const usd = (state: SimulatorState) =>
      [...state.accounts.values()]
        .filter((account) => state.groups.get(account.group)?.currency === 'USD')
        .map((account) => account.login)
        .slice(0, ACCOUNTS_PER_SERVER);
    servers = [
      { serverId: platform.serverId, state: platform.simulator.state, cap: 3, logins: [] },
      { serverId: platform.tradeServerId, state: platform.tradeServer!.state, cap: 3, logins: [] },
      { serverId: platform.mt4ServerId, state: platform.mt4.state, cap: 2, logins: [] },
    ];
    for (const server of servers) server.logins = usd(server.state);
  });

  afterAll(async () => {
    reading = false;
    intake?.close();
    await db?.end();
    await platform?.stop();
    await receiver?.close();
  });

  /** Reads forwarded between the instances, by outcome: the latest cumulative count of each instance, summed. */
  function forwardedReads(): Record<string, number> {
    const latest = new Map<string, number>();
    for (const batch of receiver.metrics) {
      for (const resource of batch.resourceMetrics) {
        const instance = `${attribute(resource.resource.attributes, 'host.name') ?? ''}/${resource.resource.attributes.find((item) => item.key === 'process.pid')?.value.intValue ?? ''}`;
        for (const metric of resource.scopeMetrics.flatMap((scope) => scope.metrics)) {
          if (metric.name !== 'tradewarden.gateway.reads.forwarded') continue;
          for (const point of metric.sum?.dataPoints ?? []) {
            const key = `${instance} ${attribute(point.attributes, 'tradewarden.server.id')} ${attribute(point.attributes, 'outcome')}`;
            latest.set(key, pointValue(point));
          }
        }
      }
    }
    const byOutcome: Record<string, number> = {};
    for (const [key, value] of latest) {
      const outcome = key.split(' ').at(-1)!;
      byOutcome[outcome] = (byOutcome[outcome] ?? 0) + value;
    }
    return byOutcome;
  }

  const tokenDeals = (server: ServerUnderTest) => server.state.deals.filter((deal) => deal.comment.startsWith('TW-'));
  const appliedSoFar = () => servers.reduce((sum, server) => sum + tokenDeals(server).length, 0);

  /** The gateway process holding the execution partition of a server's commands (its lock, seen in pg_locks). */
  async function executingGateway(serverId: string): Promise<ServiceProcess | undefined> {
    const { rows } = await db.query<{ application_name: string }>(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          -- Advisory locks are per database, and other suites' gateways hold the same keys in theirs.
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::text::bigint = (hashtext('gateway:execution-partition')::bigint & 4294967295)
          AND l.objid::text::bigint = $1`,
      [partitionOfServer(serverId, EXECUTION_PARTITIONS)],
    );
    const pid = Number(/ (\d+)$/.exec(rows[0]?.application_name ?? '')?.[1]);
    return platform.gatewayProcesses.find((gateway) => gateway.child.pid === pid && gateway.child.exitCode === null && gateway.child.signalCode === null);
  }

  it('applies every deposit of a batch over three servers exactly once, across a joining and a killed instance, never over any cap', async () => {
    const token = await userToken('agent');
    const before = new Map(servers.flatMap((server) => server.logins.map((login) => [`${server.serverId}/${login}`, server.state.accounts.get(login)!.balance])));
    const items = Array.from({ length: DEPOSITS_PER_SERVER * servers.length }, (_, i) => {
      const server = servers[i % servers.length]!;
      const login = server.logins[Math.floor(i / servers.length) % ACCOUNTS_PER_SERVER]!;
      return { serverId: server.serverId, balanceDeposit: { login: login.toString(), amount: { amount: '1.00', currency: 'USD' }, comment: `payout ${i + 1}` } };
    });
    const submitted = await unaryCall(
      intake,
      'submitOperation',
      intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: 'scale-out-batch-1', operationType: 'balance.deposit', items }),
      bearerMetadata(token),
      180_000,
    );
    const operationId = submitted.operation!.operationId;
    // Live reads through intake all along, as ops UIs preview while a batch runs: none may fail when an instance dies.
    const reads = { answered: 0, invalid: [] as string[], failed: [] as string[] };
    reading = true;
    const readLoop = (async () => {
      const preview = intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'balance.deposit', items: [items[0]!, items[1]!, items[2]!] });
      while (reading) {
        try {
          const reply = await unaryCall(intake, 'validateOperation', preview, bearerMetadata(token), 30_000);
          if (reply.valid) reads.answered += 1;
          else reads.invalid.push(JSON.stringify(reply.items.flatMap((item) => item.errors)));
        } catch (error) {
          reads.failed.push(String(error));
        }
        await new Promise((pause) => setTimeout(pause, 100));
      }
    })();
    // Answers lost after the deposit was booked: the retries must settle them through the deal history.
    for (const simulator of [platform.simulator, platform.tradeServer!]) {
      simulator.setFaults({ lostAnswerRate: 0.05, latencyMs: { base: 1, jitter: 3 }, paths: ['/api/trade/balance'] });
    }

    // A third instance joins mid-batch: the group rebalances and live instances hand servers over to it.
    await eventually(async () => expect(appliedSoFar()).toBeGreaterThanOrEqual(items.length * 0.15), 120_000, 50);
    await platform.startGatewayProcess({ ownAddress: true });

    // Then the instance executing the main server dies without a word.
    await eventually(async () => expect(appliedSoFar()).toBeGreaterThanOrEqual(items.length * 0.4), 180_000, 50);
    const victim = await eventually(async () => {
      const owner = await executingGateway(platform.serverId);
      expect(owner).toBeDefined();
      return owner!;
    }, 60_000, 100);
    const owners = await Promise.all(servers.map(async (server) => `${server.serverId}: pid ${(await executingGateway(server.serverId))?.child.pid ?? '-'}`));
    await victim.kill();
    const answeredAtKill = reads.answered;
    const appliedAtKill = appliedSoFar();
    expect(appliedAtKill).toBeLessThan(items.length);

    // Another instance takes the main server over once the group has missed the dead one.
    const successor = await eventually(async () => {
      const owner = await executingGateway(platform.serverId);
      expect(owner).toBeDefined();
      return owner!;
    }, 90_000, 250);
    expect(successor.child.pid).not.toBe(victim.child.pid);

    const operation = await eventually(
      async () => {
        const reply = await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), bearerMetadata(token), 30_000);
        expect(reply.operation!.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);
        return reply.operation!;
      },
      300_000,
      1000,
    );

    reading = false;
    await readLoop;
    expect(reads.failed).toEqual([]);
    expect(reads.invalid).toEqual([]);
    expect(answeredAtKill).toBeGreaterThan(0);
    expect(reads.answered - answeredAtKill).toBeGreaterThan(10);
    // Reads that reached an instance not executing their server were answered by the one that does.
    const forwarded = await eventually(async () => {
      const counts = forwardedReads();
      expect(counts.answered ?? 0).toBeGreaterThan(0);
      return counts;
    }, 30_000, 500);

    const figures = servers.map(
      (server) => `${server.serverId}: peak ${server.state.peakConnections}/${server.cap} connections (${server.state.counters.refusedConnections} refused), ${tokenDeals(server).length} deals`,
    );
    process.stdout.write(
      `gateway scale-out: ${items.length} deposits, ${appliedAtKill} applied when pid ${victim.child.pid} was killed; owners then ${owners.join(', ')}; ` +
        `${platform.serverId} taken over by pid ${successor.child.pid}; ${figures.join('; ')}; ${reads.answered} live previews through intake (${reads.answered - answeredAtKill} after the kill), none failed; reads forwarded ${JSON.stringify(forwarded)}\n`,
    );
    expect(operation.items.filter((item) => item.status === operationV1.ItemStatus.ITEM_STATUS_APPLIED)).toHaveLength(items.length);
    for (const server of servers) {
      const expected = new Set(operation.items.filter((item) => item.spec?.serverId === server.serverId).map((item) => tokenOf(item.itemId)));
      const deals = tokenDeals(server);
      // Exactly once: one deal per item of this server, each carrying its own item's token.
      expect(deals).toHaveLength(DEPOSITS_PER_SERVER);
      expect(new Set(deals.map((deal) => deal.comment)).size).toBe(DEPOSITS_PER_SERVER);
      expect(deals.every((deal) => expected.has(deal.comment))).toBe(true);
      for (const login of server.logins) {
        expect(server.state.accounts.get(login)!.balance - before.get(`${server.serverId}/${login}`)!).toBe(BigInt((DEPOSITS_PER_SERVER / ACCOUNTS_PER_SERVER) * 100));
      }
      // The cap holds across every instance (executions and reads alike); the simulator counted the connections.
      expect(server.state.peakConnections).toBeLessThanOrEqual(server.cap);
      expect(server.state.counters.refusedConnections).toBe(0);
    }
    // The ledger recorded the partition each command arrived on, the one the producers' partitioner picks.
    const { rows } = await db.query<{ server_id: string; kafka_partition: number }>('SELECT DISTINCT server_id, kafka_partition FROM gateway.execution_items');
    for (const row of rows) expect(row.kafka_partition).toBe(partitionOfServer(row.server_id, EXECUTION_PARTITIONS));
    expect(platform.simulator.state.counters.lostAnswers + platform.tradeServer!.state.counters.lostAnswers).toBeGreaterThan(0);
  }, 900_000);
});
