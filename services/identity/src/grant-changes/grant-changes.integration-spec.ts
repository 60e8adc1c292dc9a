import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { bearerMetadata, createGrpcClient, unaryCall, type RunningGrpcService } from '@tradewarden/grpc';
import { freePort } from '@tradewarden/local-infra';
import { buildEnvelope, createKafka, decodeEnvelope, encodeEnvelope, topicName, Topics } from '@tradewarden/messaging';
import { grantState, PLATFORM_TARGETS, requestedGrantLimits } from '@tradewarden/platform-change';
import { catalogueV1, identityV1, operationV1, type commonV1, type eventsV1 } from '@tradewarden/proto';
import { createSuiteDatabase, eventually, harnessServers, provisionServiceDatabase, serviceAccount, suiteTopicPrefix, userToken } from '@tradewarden/test-harness';
import { startIdentityService } from '../app';
import { loadIdentityConfig } from '../config';

/**
 * Identity applying approved grant changes as intake's roll-out sends them: ExecutionRequested on the platform
 * change-commands topic through real Kafka, grants in real PostgreSQL, decisions over real gRPC for a real Keycloak
 * user whose role gains and loses the grant.
 */
describe('identity applies grant.set / grant.revoke (real Kafka, PostgreSQL and Keycloak)', () => {
  let identity: RunningGrpcService;
  let authorization: AuthorizationClient;
  let producer: Producer;
  let consumer: Consumer;
  let topicPrefix: string;
  let db: Client;
  let compliance: commonV1.Actor;
  const results: eventsV1.EventEnvelope[] = [];

  // Compliance may only view: each test gives the role something new to do, each its own operation type.
  const grantOf = (operationTypePattern: string, limits: catalogueV1.GrantLimitParams[] = []) =>
    catalogueV1.GrantParams.fromPartial({ role: 'compliance', action: 'submit', operationTypePattern, serverPattern: '*', groupMasks: ['real*'], limits });
  const stateOf = (params: catalogueV1.GrantParams | undefined) => grantState(params ? requestedGrantLimits(params) : undefined);
  const item = (grant: catalogueV1.GrantParams, revoke: boolean, before: Record<string, string>, after: Record<string, string>) =>
    operationV1.ItemPlan.fromPartial({
      itemId: randomUUID(),
      rowNumber: 1,
      spec: { serverId: PLATFORM_TARGETS.identity, ...(revoke ? { grantRevoke: grant } : { grantSet: grant }) },
      before,
      after,
      change: { grantChange: { grant, revoke } },
    });
  const command = (items: operationV1.ItemPlan[], serverId: string = PLATFORM_TARGETS.identity) =>
    buildEnvelope(
      { executionRequested: { operationId: randomUUID(), serverId, planDigest: 'digest', operationType: items[0]?.change?.grantChange?.revoke ? 'grant.revoke' : 'grant.set', items, submittedBy: 'admin' } },
      { actor: undefined, producer: 'intake', aggregateId: serverId },
    );
  const send = async (envelope: eventsV1.EventEnvelope) => {
    await producer.send({ topic: topicName(topicPrefix, Topics.platformChangeCommands), messages: [{ key: envelope.executionRequested!.serverId, value: encodeEnvelope(envelope) }] });
  };
  const resultsOf = (operationId: string) => results.filter((envelope) => envelope.itemExecuted?.operationId === operationId).map((envelope) => envelope.itemExecuted!);
  const waitForResults = (envelope: eventsV1.EventEnvelope, count: number) =>
    eventually(async () => {
      const found = resultsOf(envelope.executionRequested!.operationId);
      expect(found).toHaveLength(count);
      return found;
    });
  const grantRows = async (operationTypePattern: string) =>
    (
      await db.query<{ id: string; created_at: Date; limits: { currency: string; max_per_item: string | null }[] }>(
        `SELECT g.id, g.created_at, coalesce(json_agg(json_build_object('currency', l.currency, 'max_per_item', l.max_per_item::text) ORDER BY l.currency) FILTER (WHERE l.currency IS NOT NULL), '[]') AS limits
           FROM grants g LEFT JOIN grant_limits l ON l.grant_id = g.id
          WHERE g.role = 'compliance' AND g.action = 'submit' AND g.operation_type_pattern = $1 GROUP BY g.id`,
        [operationTypePattern],
      )
    ).rows;
  const deposit = (operationType: string, group: string, amount: string) =>
    authorization.authorize(compliance, { action: 'submit', operationType, serverId: 'mt5-live-1', item: { group, amount: { amount, currency: 'USD' } } });

  beforeAll(async () => {
    const servers = harnessServers();
    const database = await provisionServiceDatabase(await createSuiteDatabase('identity_grant_changes'), 'identity');
    topicPrefix = suiteTopicPrefix('identity-grant-changes');
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
    db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query(`SET search_path TO ${database.schema}`);
    const address = `127.0.0.1:${port}`;
    authorization = new AuthorizationClient(address, config.keycloak, serviceAccount('intake'));
    const raw = createGrpcClient(identityV1.IdentityServiceService, address, 'IdentityService');
    compliance = (await unaryCall(raw, 'whoAmI', {}, bearerMetadata(await userToken('compliance')))).actor!;
    raw.close();
    const kafka = createKafka('identity-grant-changes-spec', servers.kafkaBrokers);
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${topicPrefix}.spec-results` });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(topicPrefix, Topics.executionResults), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void results.push(decodeEnvelope(message.value!)) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await db?.end();
    authorization?.close();
    await identity?.close();
  });

  it('creates a grant with its limits, answers Authorize with it, and reports APPLIED with the grant id', async () => {
    const grant = grantOf('balance.deposit', [{ currency: 'USD', maxPerItem: '1000.00' }]);
    expect((await deposit('balance.deposit', 'real\\a', '10.00')).allowed).toBe(false);
    const envelope = command([item(grant, false, stateOf(undefined), stateOf(grant))]);
    await send(envelope);
    const [result] = await waitForResults(envelope, 1);
    const rows = await grantRows('balance.deposit');
    expect(rows).toEqual([{ id: expect.any(String), created_at: expect.any(Date), limits: [{ currency: 'USD', max_per_item: '1000.0000' }] }]);
    expect(result).toMatchObject({
      status: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
      serverId: PLATFORM_TARGETS.identity,
      mtReference: rows[0]!.id,
      before: { grant: 'absent' },
      after: { grant: 'present', limits: 'USD 1000 per item' },
      errorCode: '',
      attempt: 1,
    });
    // In force as soon as the result is out: the store re-reads the grants after the commit, not a second later.
    expect((await deposit('balance.deposit', 'real\\a', '10.00')).allowed).toBe(true);
    expect((await deposit('balance.deposit', 'real\\a', '1000.01')).reason).toBe('limit: at most 1000.00 USD per item for balance.deposit (compliance)');
    expect((await deposit('balance.deposit', 'test\\a', '10.00')).allowed).toBe(false);
  });

  it('applies a redelivered command once, and a repeated one (new event, same item) without writing again', async () => {
    const grant = grantOf('balance.withdrawal', [{ currency: 'USD', maxPerItem: '50' }]);
    const envelope = command([item(grant, false, stateOf(undefined), stateOf(grant))]);
    await send(envelope);
    await waitForResults(envelope, 1);
    const [first] = await grantRows('balance.withdrawal');
    // The same event again: the consumer finds its id processed and does nothing, not even report.
    await send(envelope);
    // The same command as a new event (intake retrying): the grant already is as requested, so APPLIED, nothing written.
    const retry = { ...envelope, eventId: randomUUID() };
    await send(retry);
    await eventually(async () => expect(resultsOf(envelope.executionRequested!.operationId)).toHaveLength(2));
    const [, again] = resultsOf(envelope.executionRequested!.operationId);
    expect(again).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, mtReference: first!.id, before: { grant: 'absent' }, after: stateOf(grant) });
    expect(await grantRows('balance.withdrawal')).toEqual([first]);
    const processed = await db.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1', [envelope.eventId]);
    expect(processed.rows).toEqual([{ n: 1 }]);
  });

  it('refuses a drifted before-state and writes nothing', async () => {
    const grant = grantOf('balance.credit_in', [{ currency: 'USD', maxPerItem: '10' }]);
    await send(command([item(grant, false, stateOf(undefined), stateOf(grant))]));
    await eventually(async () => expect(await grantRows('balance.credit_in')).toHaveLength(1));
    const [before] = await grantRows('balance.credit_in');
    // Planned against "absent", but the grant exists meanwhile with other limits than this change asks for.
    const wider = grantOf('balance.credit_in', [{ currency: 'USD', maxPerItem: '99' }]);
    const drifted = command([item(wider, false, stateOf(undefined), stateOf(wider))]);
    await send(drifted);
    const [result] = await waitForResults(drifted, 1);
    expect(result).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_DRIFTED, errorCode: 'BEFORE_STATE_DRIFTED', mtReference: before!.id, before: { grant: 'present', limits: 'USD 10 per item' }, after: {} });
    expect(await grantRows('balance.credit_in')).toEqual([before]);
  });

  it('revokes a grant with its limits', async () => {
    const grant = grantOf('balance.credit_out', [{ currency: 'EUR', maxPerItem: '10' }]);
    await send(command([item(grant, false, stateOf(undefined), stateOf(grant))]));
    await eventually(async () => expect(await grantRows('balance.credit_out')).toHaveLength(1));
    const [row] = await grantRows('balance.credit_out');
    // Tags and masks in another order name the same grant.
    const revoke = command([item({ ...grant, groupMasks: [...grant.groupMasks].reverse(), limits: [] }, true, stateOf(grant), stateOf(undefined))]);
    await send(revoke);
    const [result] = await waitForResults(revoke, 1);
    expect(result).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, mtReference: row!.id, before: stateOf(grant), after: { grant: 'absent' } });
    expect(await grantRows('balance.credit_out')).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM grant_limits WHERE grant_id = $1', [row!.id])).rows).toEqual([{ n: 0 }]);
  });

  it('reports a refused write and a read-back mismatch as FAILED, undone, while the other items of the command apply', async () => {
    const refused = grantOf('account.create', [{ currency: 'usd', maxPerItem: '10' }]);
    // Five fraction digits: numeric(18,4) stores 1.0000, which is not the grant approved.
    const rounded = grantOf('account.change_group', [{ currency: 'USD', maxPerItem: '1.00001' }]);
    const fine = grantOf('account.set_leverage');
    const envelope = command([
      item(refused, false, stateOf(undefined), stateOf(refused)),
      item(rounded, false, stateOf(undefined), stateOf(rounded)),
      item(fine, false, stateOf(undefined), stateOf(fine)),
    ]);
    await send(envelope);
    const found = await waitForResults(envelope, 3);
    const byItem = new Map(found.map((result) => [result.itemId, result]));
    const [refusedItem, roundedItem, fineItem] = envelope.executionRequested!.items;
    expect(byItem.get(refusedItem!.itemId)).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_FAILED, errorCode: 'REFUSED', errorMessage: expect.stringContaining('grant_limits_currency_check'), mtReference: '' });
    expect(byItem.get(roundedItem!.itemId)).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_FAILED, errorCode: 'VERIFICATION_MISMATCH', errorMessage: expect.stringContaining('USD 1 per item') });
    expect(byItem.get(fineItem!.itemId)).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, after: { grant: 'present', limits: 'none' } });
    expect(await grantRows('account.create')).toEqual([]);
    expect(await grantRows('account.change_group')).toEqual([]);
    expect(await grantRows('account.set_leverage')).toHaveLength(1);
  });

  it("leaves the approval service's commands alone", async () => {
    const grant = grantOf('account.update_profile');
    const envelope = command([item(grant, false, stateOf(undefined), stateOf(grant))], PLATFORM_TARGETS.approval);
    await send(envelope);
    await eventually(async () => expect((await db.query('SELECT 1 FROM processed_events WHERE event_id = $1', [envelope.eventId])).rows).toHaveLength(1));
    // Results would have been written in the transaction that recorded the event.
    expect((await db.query("SELECT 1 FROM outbox_messages WHERE event_type = 'ItemExecuted' AND message_key = $1", [envelope.executionRequested!.operationId])).rows).toEqual([]);
    expect(await grantRows('account.update_profile')).toEqual([]);
  });
});
