import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { ServiceTokenProvider } from '@tradewarden/auth';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient, type RunningGrpcService } from '@tradewarden/grpc';
import { freePort } from '@tradewarden/local-infra';
import { buildEnvelope, createKafka, decodeEnvelope, encodeEnvelope, topicName, Topics } from '@tradewarden/messaging';
import { identityV1, type commonV1, type eventsV1 } from '@tradewarden/proto';
import { createSuiteDatabase, eventually, harnessServers, provisionServiceDatabase, serviceAccount, suiteTopicPrefix, userToken } from '@tradewarden/test-harness';
import { startIdentityService } from '../app';
import { loadIdentityConfig } from '../config';

/**
 * Identity alone, as every service reaches it: real gRPC, a real Keycloak service token for the caller (intake's), real
 * user and integration tokens whose roles identity resolves itself (WhoAmI), the demo grants its migrations write, and
 * registry events through real Kafka.
 */
type DemoUser = 'agent' | 'supervisor' | 'admin' | 'compliance' | 'integration';
const USERS: DemoUser[] = ['agent', 'supervisor', 'admin', 'compliance', 'integration'];

const TAGGED = 'mt5-demo-1';
const UNTAGGED = 'mt5-live-1';
const IN_GROUP = 'real\\retail\\usd';
const OUT_GROUP = 'test\\retail\\usd';
const UNDER = '100.00';
// Over every demo per-item limit (agents 250,000, integrations 50,000, supervisors on demo servers 1,000,000).
const OVER = '2000000.00';

/**
 * The demo grants (services/identity/src/migrations) as the matrix reads them: how each role may submit each type.
 * groups: only real* and demo* groups; limits: amounts under the role's limits; demo-tag: servers tagged "demo".
 */
type Rule = 'none' | 'any' | 'groups' | 'groups+limits' | 'demo-tag+limits';
const TYPES = ['balance.deposit', 'balance.withdrawal', 'account.create', 'account.change_group', 'group.set_margin_levels', 'symbol.set_spread', 'position.modify_stops', 'order.modify_stops'] as const;
const RULES: Record<DemoUser, Record<(typeof TYPES)[number], Rule>> = {
  agent: {
    'balance.deposit': 'groups+limits',
    'balance.withdrawal': 'groups+limits',
    'account.create': 'groups',
    'account.change_group': 'groups',
    'group.set_margin_levels': 'none',
    'symbol.set_spread': 'none',
    'position.modify_stops': 'groups',
    'order.modify_stops': 'groups',
  },
  supervisor: {
    'balance.deposit': 'demo-tag+limits',
    'balance.withdrawal': 'demo-tag+limits',
    'account.create': 'none',
    'account.change_group': 'none',
    'group.set_margin_levels': 'any',
    'symbol.set_spread': 'any',
    'position.modify_stops': 'any',
    'order.modify_stops': 'any',
  },
  admin: Object.fromEntries(TYPES.map((type) => [type, 'none'])) as Record<(typeof TYPES)[number], Rule>,
  compliance: Object.fromEntries(TYPES.map((type) => [type, 'none'])) as Record<(typeof TYPES)[number], Rule>,
  integration: {
    'balance.deposit': 'groups+limits',
    'balance.withdrawal': 'groups+limits',
    'account.create': 'groups',
    'account.change_group': 'groups',
    'group.set_margin_levels': 'none',
    'symbol.set_spread': 'none',
    'position.modify_stops': 'none',
    'order.modify_stops': 'none',
  },
};

function expected(rule: Rule, server: string, group: string, amount: string | undefined): 'allowed' | 'missing' | 'limit' {
  switch (rule) {
    case 'none':
      return 'missing';
    case 'any':
      return 'allowed';
    case 'groups':
      return group === IN_GROUP ? 'allowed' : 'missing';
    case 'groups+limits':
      return group !== IN_GROUP ? 'missing' : amount === OVER ? 'limit' : 'allowed';
    case 'demo-tag+limits':
      return server !== TAGGED ? 'missing' : amount === OVER ? 'limit' : 'allowed';
    default:
      throw new Error(`no rule ${String(rule)}`);
  }
}

const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('identity authorization (real gRPC, Keycloak and Kafka)', () => {
  let identity: RunningGrpcService;
  let authorization: AuthorizationClient;
  let raw: GrpcClient<typeof identityV1.IdentityServiceService>;
  let producer: Producer;
  let consumer: Consumer;
  let topicPrefix: string;
  const denials: eventsV1.EventEnvelope[] = [];
  const actors = {} as Record<DemoUser, commonV1.Actor>;
  let intakeToken: string;
  // Identity's own schema, read only to see how far the registry consumer got.
  let projection: Client;

  const publishTags = async (serverId: string, tags: string[], occurredAt = new Date(), eventId = randomUUID()) => {
    const envelope = { ...buildEnvelope({ serverRegistryChanged: { serverId, change: 'updated', platform: 'mt5', address: 'https://mt5.invalid', tags, maxConnections: 3, passwordRef: 'env:X', reason: '', decisionId: '' } }, { actor: undefined, producer: 'gateway', aggregateId: serverId }), eventId, occurredAt };
    await producer.send({ topic: topicName(topicPrefix, Topics.registryEvents), messages: [{ key: serverId, value: encodeEnvelope(envelope) }] });
  };

  beforeAll(async () => {
    const servers = harnessServers();
    const database = await provisionServiceDatabase(await createSuiteDatabase('identity_authorization'), 'identity');
    topicPrefix = suiteTopicPrefix('identity-authorization');
    const port = await freePort();
    const account = serviceAccount('identity');
    const config = loadIdentityConfig({
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(port),
      DATABASE_URL: database.url,
      DATABASE_SCHEMA: database.schema,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KEYCLOAK_URL: servers.keycloakUrl,
      KEYCLOAK_REALM: servers.realm,
      SERVICE_CLIENT_ID: account.clientId,
      SERVICE_CLIENT_SECRET: account.clientSecret,
    });
    identity = await startIdentityService(config);
    projection = new Client({ connectionString: database.url });
    await projection.connect();
    await projection.query(`SET search_path TO ${database.schema}`);
    const address = `127.0.0.1:${port}`;
    // Intake's own client credentials: Authorize answers services only.
    authorization = new AuthorizationClient(address, config.keycloak, serviceAccount('intake'));
    intakeToken = await new ServiceTokenProvider(config.keycloak, serviceAccount('intake')).token();
    raw = createGrpcClient(identityV1.IdentityServiceService, address, 'IdentityService');
    const tokens: Record<DemoUser, string> = {
      agent: await userToken('agent'),
      supervisor: await userToken('supervisor'),
      admin: await userToken('admin'),
      compliance: await userToken('compliance'),
      integration: await new ServiceTokenProvider(config.keycloak, serviceAccount('crm')).token(),
    };
    for (const user of USERS) actors[user] = (await unaryCall(raw, 'whoAmI', {}, bearerMetadata(tokens[user]))).actor!;

    const kafka = createKafka('identity-authorization-spec', servers.kafkaBrokers);
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${topicPrefix}.spec-denials` });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(topicPrefix, Topics.accessEvents), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void denials.push(decodeEnvelope(message.value!)) });
    await publishTags(TAGGED, ['demo']);
    await eventually(async () => expect((await authorization.authorize(actors.supervisor, { action: 'submit', operationType: 'balance.deposit', serverId: TAGGED })).allowed).toBe(true));
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await projection?.end();
    raw?.close();
    authorization?.close();
    await identity?.close();
  });

  it('resolves the demo users to their Keycloak roles', () => {
    expect(actors.agent.roles).toEqual(['ops-agent']);
    expect(actors.supervisor.roles).toEqual(['ops-supervisor']);
    expect(actors.admin.roles).toEqual(['admin']);
    expect(actors.compliance.roles).toEqual(['compliance']);
    expect(actors.integration.roles).toEqual(['integration']);
  });

  it('answers the permission matrix per item: role x operation type x server x group x amount', async () => {
    const failures: string[] = [];
    for (const user of USERS) {
      for (const operationType of TYPES) {
        const amounts = operationType.startsWith('balance.') ? [UNDER, OVER] : [undefined];
        for (const server of [TAGGED, UNTAGGED]) {
          for (const group of [IN_GROUP, OUT_GROUP]) {
            for (const amount of amounts) {
              const want = expected(RULES[user][operationType], server, group, amount);
              const answer = await authorization.authorize(actors[user], { action: 'submit', operationType, serverId: server, item: { group, amount: amount === undefined ? undefined : usd(amount) } });
              const got = answer.allowed ? 'allowed' : answer.reason.startsWith('limit: ') ? 'limit' : answer.reason.startsWith('missing permission') ? 'missing' : answer.reason;
              if (got !== want) failures.push(`${user} ${operationType} ${server} ${group} ${amount ?? '-'}: expected ${want}, got ${got} (${answer.reason})`);
              if (!answer.allowed && got === 'missing') expect(answer.reason).toBe(`missing permission "submit" for "${operationType}" on server ${server} group ${group} (roles: ${actors[user].roles.join(', ')})`);
              expect(answer.policyVersion).toMatch(/^[0-9a-f]{16}$/);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers the same matrix through AuthorizeBatch, one batch per role, type and amount', async () => {
    for (const user of USERS) {
      for (const operationType of TYPES) {
        // One amount per batch: the batch is one operation, and its total (the items' sum) must stay under the
        // per-operation limits for the matrix to be about per-item limits.
        for (const amount of operationType.startsWith('balance.') ? [UNDER, OVER] : [undefined]) {
          const items = [TAGGED, UNTAGGED].flatMap((serverId) => [IN_GROUP, OUT_GROUP].map((group) => ({ serverId, group, amount: amount === undefined ? undefined : usd(amount) })));
          const result = await authorization.authorizeBatch(actors[user], { action: 'submit', operationType, items });
          const got = result.decisions.map((decision) => (decision.allowed ? 'allowed' : decision.reason.startsWith('limit: ') ? 'limit' : 'missing'));
          const want = items.map((item) => expected(RULES[user][operationType], item.serverId, item.group, amount));
          expect({ user, operationType, amount, got }).toEqual({ user, operationType, amount, got: want });
          expect(result.decisionId).toMatch(/^[0-9a-f-]{36}$/);
        }
      }
    }
  });

  it('names the limit exceeded, per item, per operation and per user per day', async () => {
    const deposit = (item: Parameters<AuthorizationClient['authorize']>[1]['item']) => authorization.authorize(actors.agent, { action: 'submit', operationType: 'balance.deposit', serverId: UNTAGGED, item: { group: IN_GROUP, ...item } });
    expect((await deposit({ amount: usd('250000.00') })).allowed).toBe(true);
    expect((await deposit({ amount: usd('250000.01') })).reason).toBe('limit: at most 250000.00 USD per item for balance.deposit (ops-agent)');
    expect((await deposit({ amount: usd('10.00'), operationTotals: [usd('1000000.01')] })).reason).toBe('limit: at most 1000000.00 USD per operation for balance.deposit (ops-agent)');
    expect((await deposit({ amount: usd('10.00'), submittedToday: [usd('1999990.00')] })).allowed).toBe(true);
    expect((await deposit({ amount: usd('10.01'), submittedToday: [usd('1999990.00')] })).reason).toBe('limit: at most 2000000.00 USD per user per day for balance.deposit (ops-agent)');
    expect((await deposit({ amount: { amount: '10.00', currency: 'GBP' } })).reason).toBe('limit: GBP is not allowed for balance.deposit (ops-agent has limits in EUR, USD only)');
    expect((await deposit({})).reason).toBe("limit: balance.deposit needs the item's amount to check the limits of ops-agent");
  });

  it('answers requests without resource attributes as it always did', async () => {
    expect((await authorization.authorize(actors.agent, { action: 'submit', operationType: 'balance.deposit', serverId: UNTAGGED })).allowed).toBe(true);
    expect((await authorization.authorize(actors.agent, { action: 'view', operationType: 'balance.deposit' })).allowed).toBe(true);
    const denied = await authorization.authorize(actors.compliance, { action: 'submit', operationType: 'balance.deposit', serverId: UNTAGGED });
    expect(denied).toMatchObject({ allowed: false, reason: `missing permission "submit" for "balance.deposit" on server ${UNTAGGED} (roles: compliance)` });
    expect((await authorization.authorize(actors.agent, { action: 'approve', operationType: 'balance.deposit', serverId: UNTAGGED })).allowed).toBe(false);
    expect((await authorization.authorize(actors.supervisor, { action: 'approve', operationType: 'balance.deposit', serverId: UNTAGGED })).allowed).toBe(true);
    expect((await authorization.authorize(actors.admin, { action: 'admin', operationType: 'template.balance.deposit' })).allowed).toBe(true);
    expect((await authorization.authorize(actors.agent, { action: 'obliterate' as never, operationType: 'balance.deposit' })).reason).toBe('unknown action "obliterate"');
  });

  it('refuses malformed money and callers without the service role', async () => {
    const malformed = await authorization.authorize(actors.agent, { action: 'submit', operationType: 'balance.deposit', serverId: UNTAGGED, item: { amount: usd('1e5') } }).catch((error: ServiceError) => error);
    expect(malformed).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('resource.amount.amount') });
    const agentToken = await userToken('agent');
    const notService = await unaryCall(raw, 'authorizeBatch', identityV1.AuthorizeBatchRequest.fromPartial({ actor: actors.agent, action: 'submit', operationType: 'balance.deposit' }), bearerMetadata(agentToken)).catch((error: ServiceError) => error);
    expect(notService).toMatchObject({ code: status.PERMISSION_DENIED });
    const badItem = await unaryCall(raw, 'authorizeBatch', identityV1.AuthorizeBatchRequest.fromPartial({ actor: actors.agent, action: 'submit', operationType: 'balance.deposit', items: [{ serverId: 'x', amount: usd('1') }, { serverId: 'x', amount: { amount: '1', currency: 'us dollars' } }] }), bearerMetadata(intakeToken)).catch((error: ServiceError) => error);
    expect(badItem).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('items[1].amount.currency') });
  });

  it('follows registry events: a server gains and loses a tag-scoped grant', async () => {
    const server = `mt5-lab-${randomUUID().slice(0, 8)}`;
    const supervisorDeposit = () => authorization.authorize(actors.supervisor, { action: 'submit', operationType: 'balance.deposit', serverId: server, item: { group: IN_GROUP, amount: usd(UNDER) } });
    expect((await supervisorDeposit()).allowed).toBe(false);
    const tagged = new Date();
    const taggedEvent = randomUUID();
    await publishTags(server, ['demo', 'lab'], tagged, taggedEvent);
    await eventually(async () => expect((await supervisorDeposit()).allowed).toBe(true));
    // A later change removes the tag; the grant no longer reaches the server.
    await publishTags(server, ['lab'], new Date(tagged.getTime() + 1000));
    await eventually(async () => expect((await supervisorDeposit()).allowed).toBe(false));
    // A redelivery of the older event (same id), and an older change arriving late (new id), change nothing. Events
    // of one server share a key, so once a later one is in the projection, these two were handled before it.
    await publishTags(server, ['demo', 'lab'], tagged, taggedEvent);
    await publishTags(server, ['demo'], new Date(tagged.getTime() + 500));
    const last = randomUUID();
    await publishTags(server, ['lab'], new Date(tagged.getTime() + 2000), last);
    await eventually(async () => expect(await projection.query('SELECT event_id, tags FROM server_tags WHERE server_id = $1', [server])).toMatchObject({ rows: [{ event_id: last, tags: ['lab'] }] }));
    expect((await supervisorDeposit()).allowed).toBe(false);
  });

  it('decides a 100,000-item batch in parts under one decision id, and audits its denials in one event per part', async () => {
    const items = Array.from({ length: 100_000 }, (_, index) => ({
      serverId: index % 2 === 0 ? TAGGED : UNTAGGED,
      group: index % 10 === 9 ? OUT_GROUP : index % 3 === 0 ? 'real\\pro\\usd' : IN_GROUP,
      // Small amounts (about 250,000 USD together) and two items over the 250,000 per-item limit: the operation stays
      // under the agents' 1,000,000 per operation.
      amount: usd(index === 1000 || index === 51000 ? '260000.00' : `${index % 5}.${String(index % 100).padStart(2, '0')}`),
    }));
    const result = await authorization.authorizeBatch(actors.agent, { action: 'submit', operationType: 'balance.deposit', items });
    const deniedGroup = items.filter((item) => item.group === OUT_GROUP).length;
    const overLimit = 2;
    expect(result.decisions).toHaveLength(100_000);
    expect(result.deniedCount).toBe(deniedGroup + overLimit);
    expect(result.decisions[9]).toEqual({ allowed: false, reason: `missing permission "submit" for "balance.deposit" on server ${UNTAGGED} group ${OUT_GROUP} (roles: ops-agent)` });
    expect(result.decisions[998]).toEqual({ allowed: true, reason: '' });
    expect(result.decisions[1000]).toEqual({ allowed: false, reason: 'limit: at most 250000.00 USD per item for balance.deposit (ops-agent)' });
    expect(result.decisions.filter((decision) => decision.reason.startsWith('limit: ')).length).toBe(overLimit);
    await eventually(async () => {
      const events = denials.filter((envelope) => envelope.accessDenied?.decisionId === result.decisionId);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.length).toBeLessThan(10);
      expect(events[0]!.accessDenied).toMatchObject({ method: 'AuthorizeBatch', code: 'PERMISSION_DENIED', service: 'tradewarden-intake', reason: expect.stringMatching(/^\d+ of \d+ items of balance\.deposit denied: /) });
      expect(events[0]!.actor?.subject).toBe(actors.agent.subject);
    });
  });

  it('audits a single denial as before, naming the asking service', async () => {
    const answer = await authorization.authorize(actors.compliance, { action: 'submit', operationType: 'symbol.set_spread', serverId: UNTAGGED });
    await eventually(async () => {
      const event = denials.find((envelope) => envelope.accessDenied?.decisionId === answer.decisionId);
      expect(event?.accessDenied).toMatchObject({ service: 'tradewarden-intake', method: 'Authorize', reason: answer.reason });
    });
  });
});
