/**
 * Authorization decisions per second for a 100,000-item batch, against baselines measured in the same run:
 *
 *   in process  the single-request path (one Cedar evaluation per item, what per-item Authorize costs without the
 *               network) for BENCH_BASELINE_ITEMS items, then AuthorizeBatch's evaluation (wire strings parsed to
 *               exact decimals, items Cedar cannot tell apart evaluated once) for BENCH_ITEMS items;
 *   over gRPC   per-item Authorize calls for BENCH_GRPC_BASELINE_ITEMS items, then AuthorizeBatch for BENCH_ITEMS items
 *               through libs/authorization-client (parts under the 4 MB message limit, one decision id).
 *
 * Identity runs in this process against the harness's real PostgreSQL, Kafka and Keycloak, with the demo grants its
 * migrations write; the in-process figures use the policy set it compiled from them. The items mix servers, groups
 * (some out of scope) and amounts to the cent (some over the agents' per-item limit), so both allowed and denied
 * items are decided.
 *
 *   npm run bench:authorization   (BENCH_ITEMS=100000 BENCH_BASELINE_ITEMS=10000 BENCH_GRPC_BASELINE_ITEMS=2000)
 */
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { createServiceDataSource } from '@tradewarden/database';
import { bearerMetadata, createGrpcClient, unaryCall } from '@tradewarden/grpc';
import { freePort } from '@tradewarden/local-infra';
import { identityV1, type commonV1 } from '@tradewarden/proto';
import { createSuiteDatabase, harnessServers, provisionServiceDatabase, serviceAccount, suiteTopicPrefix, userToken } from '@tradewarden/test-harness';
import globalSetup from '../libs/test-harness/src/global-setup';
import globalTeardown from '../libs/test-harness/src/global-teardown';
import { startIdentityService } from '../services/identity/src/app';
import { moneyFacts, parseMoney, totalsByCurrency } from '../services/identity/src/authorization/authorization-amounts';
import type { CedarAuthorizer } from '../services/identity/src/authorization/cedar-authorizer';
import { PolicyStore } from '../services/identity/src/authorization/policy-store.service';
import { loadIdentityConfig } from '../services/identity/src/config';
import { IDENTITY_ENTITIES } from '../services/identity/src/identity-schema';

const items = Number(process.env['BENCH_ITEMS'] ?? 100_000);
const baselineItems = Number(process.env['BENCH_BASELINE_ITEMS'] ?? 10_000);
const grpcBaselineItems = Number(process.env['BENCH_GRPC_BASELINE_ITEMS'] ?? 2_000);

type Item = { serverId: string; group: string; amount: { amount: string; currency: string } };

/**
 * A deterministic mix: 4 servers, 5 groups (one outside the agents' scope), amounts to the cent under 10.00 and one
 * item over the agents' 250,000 per-item limit, so that the whole batch (about 760,000) stays under their 1,000,000 per
 * operation and items are decided one by one.
 */
function makeItems(count: number): Item[] {
  let seed = 42;
  // The high bits of a linear congruential generator: its low bits repeat with short periods.
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) >>> 12;
  const servers = ['mt5-live-1', 'mt5-live-2', 'mt5-demo-1', 'mt4-live-1'];
  const groups: [string, string][] = [
    ['real\\retail\\usd', 'USD'],
    ['real\\pro\\usd', 'USD'],
    ['demo\\standard', 'USD'],
    ['real\\retail\\eur', 'EUR'],
    ['test\\internal', 'USD'],
  ];
  return Array.from({ length: count }, (_, index) => {
    const [group, currency] = groups[next() % groups.length]!;
    const cents = index === 49_999 ? 26_000_000 : (next() % 999) + 1;
    return { serverId: servers[next() % servers.length]!, group, amount: { amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, currency } };
  });
}

function rate(count: number, seconds: number): string {
  return `${Math.round(count / seconds).toLocaleString('en-US')} decisions/s`;
}

async function time<T>(work: () => T | Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

/** One Cedar evaluation per item, each with its own parsed money: what a caller asking per item costs identity. */
function singleRequests(authorizer: CedarAuthorizer, principal: { subject: string; roles: string[] }, batch: readonly Item[]): number {
  let allowed = 0;
  for (const item of batch) {
    const money = moneyFacts(parseMoney(item.amount, 'amount'), new Map(), new Map());
    const decision = authorizer.decide({ principal, action: 'submit', operationType: 'balance.deposit', serverId: item.serverId, serverTags: [], item: { group: item.group, money } });
    if (decision.allowed) allowed += 1;
  }
  return allowed;
}

/** AuthorizationService.authorizeBatch's work without the transport: parse, then decide the batch. */
function batchEvaluation(authorizer: CedarAuthorizer, principal: { subject: string; roles: string[] }, batch: readonly Item[]) {
  return authorizer.decideBatch({
    principal,
    action: 'submit',
    operationType: 'balance.deposit',
    items: batch.map((item, index) => ({ serverId: item.serverId, group: item.group, amount: parseMoney(item.amount, `items[${index}].amount`) })),
    operationTotals: totalsByCurrency([], 'operation_totals'),
    submittedToday: new Map(),
    serverTags: () => [],
  });
}

async function main(): Promise<void> {
  await globalSetup();
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const servers = harnessServers();
    const database = await provisionServiceDatabase(await createSuiteDatabase('bench_authorization'), 'identity');
    const port = await freePort();
    const account = serviceAccount('identity');
    const config = loadIdentityConfig({
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_SCHEMA: database.schema,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: suiteTopicPrefix('bench-authorization'),
      KEYCLOAK_URL: servers.keycloakUrl,
      KEYCLOAK_REALM: servers.realm,
      SERVICE_CLIENT_ID: account.clientId,
      SERVICE_CLIENT_SECRET: account.clientSecret,
    });
    const identity = await startIdentityService(config);
    closers.push(() => identity.close());
    const address = `127.0.0.1:${port}`;
    const raw = createGrpcClient(identityV1.IdentityServiceService, address, 'IdentityService');
    closers.push(() => raw.close());
    const actor: commonV1.Actor = (await unaryCall(raw, 'whoAmI', {}, bearerMetadata(await userToken('agent')))).actor!;
    const principal = { subject: actor.subject, roles: actor.roles };

    // The policy set identity itself compiled from the migrated demo grants.
    const dataSource = createServiceDataSource({ url: database.url, schema: database.schema, entities: IDENTITY_ENTITIES, migrations: [], applicationName: 'bench-authorization' });
    await dataSource.initialize();
    closers.push(() => dataSource.destroy());
    const { authorizer } = await new PolicyStore(dataSource).current();

    const batch = makeItems(items);
    const baseline = batch.slice(0, baselineItems);
    console.log(`Authorization of balance.deposit items for ops-agent (policy ${authorizer.version}, ${authorizer.policySet.grants.size} grants compiled to Cedar)`);

    // Warm the JIT and the wasm module before measuring either path.
    singleRequests(authorizer, principal, baseline.slice(0, 500));
    batchEvaluation(authorizer, principal, batch.slice(0, 5000));

    const single = await time(() => singleRequests(authorizer, principal, baseline));
    const inProcess = await time(() => batchEvaluation(authorizer, principal, batch));
    const check = batchEvaluation(authorizer, principal, baseline);
    if (check.allowedCount !== single.result) throw new Error(`batch and single-request paths disagree: ${check.allowedCount} vs ${single.result} allowed`);
    console.log('  in process');
    console.log(`    single requests (baseline): ${baseline.length} items in ${single.seconds.toFixed(2)} s, ${rate(baseline.length, single.seconds)}`);
    console.log(
      `    AuthorizeBatch evaluation:  ${batch.length} items in ${inProcess.seconds.toFixed(2)} s, ${rate(batch.length, inProcess.seconds)}` +
        ` (${inProcess.result.evaluations} Cedar evaluations, ${inProcess.result.allowedCount} allowed, ${inProcess.result.deniedCount} denied)`,
    );
    const inProcessRatio = baseline.length / single.seconds > 0 ? batch.length / inProcess.seconds / (baseline.length / single.seconds) : 0;
    console.log(`    ratio: ${inProcessRatio.toFixed(1)}x the baseline's decisions/s`);

    const authorization = new AuthorizationClient(address, config.keycloak, serviceAccount('intake'), 120_000);
    closers.push(() => authorization.close());
    const grpcBaseline = batch.slice(0, grpcBaselineItems);
    await authorization.authorize(actor, { action: 'submit', operationType: 'balance.deposit', serverId: grpcBaseline[0]!.serverId, item: grpcBaseline[0] });
    const perItem = await time(async () => {
      let allowed = 0;
      for (const item of grpcBaseline) if ((await authorization.authorize(actor, { action: 'submit', operationType: 'balance.deposit', serverId: item.serverId, item: { group: item.group, amount: item.amount, operationTotals: [item.amount] } })).allowed) allowed += 1;
      return allowed;
    });
    const overGrpc = await time(() => authorization.authorizeBatch(actor, { action: 'submit', operationType: 'balance.deposit', items: batch }));
    console.log('  over gRPC (real Keycloak service token, identity in this process)');
    console.log(`    Authorize per item (baseline): ${grpcBaseline.length} items in ${perItem.seconds.toFixed(2)} s, ${rate(grpcBaseline.length, perItem.seconds)}`);
    console.log(`    AuthorizeBatch:                ${batch.length} items in ${overGrpc.seconds.toFixed(2)} s, ${rate(batch.length, overGrpc.seconds)} (${overGrpc.result.deniedCount} denied, one decision ${overGrpc.result.decisionId})`);
    console.log(`    ratio: ${(batch.length / overGrpc.seconds / (grpcBaseline.length / perItem.seconds)).toFixed(1)}x the baseline's decisions/s`);
  } finally {
    for (const close of closers.reverse()) await close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
