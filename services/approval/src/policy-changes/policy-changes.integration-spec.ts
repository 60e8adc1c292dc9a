import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { bearerMetadata, checkHealth, createGrpcClient, unaryCall, type GrpcClient, type RunningGrpcService } from '@tradewarden/grpc';
import { freePort } from '@tradewarden/local-infra';
import { buildEnvelope, createKafka, decodeEnvelope, encodeEnvelope, topicName, Topics } from '@tradewarden/messaging';
import { planDigest } from '@tradewarden/plan-digest';
import { grantState, PLATFORM_TARGETS, policySettingsOf, policyState, requestedGrantLimits } from '@tradewarden/platform-change';
import { approvalV1, catalogueV1, identityV1, operationV1, type commonV1, type eventsV1 } from '@tradewarden/proto';
import { createSuiteDatabase, eventually, harnessServers, provisionServiceDatabase, serviceAccount, suiteTopicPrefix, userToken } from '@tradewarden/test-harness';
import { startApprovalService } from '../app';
import { loadApprovalConfig } from '../config';

/**
 * The approval service applying approved approval_policy.* changes from the platform change-commands topic, and
 * deciding grant.* / approval_policy.* operations under the policies its migration adds: one administrator submits,
 * another approves. Real Kafka, PostgreSQL, Keycloak, and the real identity service for every permission check.
 */
const root = resolve(__dirname, '..', '..', '..', '..');

/**
 * The identity service from its sources as a process of its own, as deployed (a service does not import another's
 * code): approval asks it for every approve permission.
 */
async function startIdentityProcess(env: Record<string, string>, address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', join(root, 'tools', 'runtime', 'ts-register.js'), join(root, 'services', 'identity', 'src', 'main.ts')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = join(mkdtempSync(join(tmpdir(), 'approval-policy-changes-')), 'identity.log');
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 90_000;
  while ((await checkHealth(address, '', 1000)) !== 'SERVING') {
    if (child.exitCode !== null) throw new Error(`identity exited with code ${child.exitCode} (log in ${logFile})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`identity did not become healthy within 90 s (log in ${logFile})`);
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return child;
}

describe('approval applies approval_policy.set / delete and admits admins to platform changes (real Kafka, PostgreSQL, Keycloak, identity)', () => {
  let identity: ChildProcess | undefined;
  let approval: RunningGrpcService;
  let client: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  let producer: Producer;
  let consumer: Consumer;
  let topicPrefix: string;
  let db: Client;
  const tokens: Record<string, string> = {};
  const actors: Record<string, commonV1.Actor> = {};
  const events: eventsV1.EventEnvelope[] = [];

  const policyOf = (name: string, overrides: Partial<catalogueV1.ApprovalPolicyParams> = {}) =>
    catalogueV1.ApprovalPolicyParams.fromPartial({ name, operationTypePattern: 'symbol.*', mode: 'MANUAL', requiredApprovals: 2, priority: 700, approverRoles: ['ops-supervisor'], ...overrides });
  const stateOf = (params: catalogueV1.ApprovalPolicyParams | undefined) => policyState(params ? policySettingsOf(params) : undefined);
  const item = (policy: catalogueV1.ApprovalPolicyParams, remove: boolean, before: Record<string, string>, after: Record<string, string>) =>
    operationV1.ItemPlan.fromPartial({
      itemId: randomUUID(),
      rowNumber: 1,
      spec: { serverId: PLATFORM_TARGETS.approval, ...(remove ? { approvalPolicyDelete: { name: policy.name } } : { approvalPolicySet: policy }) },
      before,
      after,
      change: { approvalPolicyChange: { policy, remove } },
    });
  const command = (items: operationV1.ItemPlan[], serverId: string = PLATFORM_TARGETS.approval) =>
    buildEnvelope(
      { executionRequested: { operationId: randomUUID(), serverId, planDigest: 'digest', operationType: 'approval_policy.set', items, submittedBy: 'admin' } },
      { actor: undefined, producer: 'intake', aggregateId: serverId },
    );
  const send = async (envelope: eventsV1.EventEnvelope) => {
    await producer.send({ topic: topicName(topicPrefix, Topics.platformChangeCommands), messages: [{ key: envelope.executionRequested!.serverId, value: encodeEnvelope(envelope) }] });
  };
  const resultsOf = (operationId: string) => events.filter((envelope) => envelope.itemExecuted?.operationId === operationId).map((envelope) => envelope.itemExecuted!);
  const waitForResults = (envelope: eventsV1.EventEnvelope, count: number) =>
    eventually(async () => {
      const found = resultsOf(envelope.executionRequested!.operationId);
      expect(found).toHaveLength(count);
      return found;
    });
  const listed = async (name: string) => (await unaryCall(client, 'listPolicies', {}, bearerMetadata(tokens['admin']!))).policies.find((policy) => policy.name === name);
  const policyRows = async (name: string) => (await db.query('SELECT * FROM approval_policies WHERE name = $1', [name])).rows;

  beforeAll(async () => {
    const servers = harnessServers();
    const suiteDatabase = await createSuiteDatabase('approval_policy_changes');
    const identityDatabase = await provisionServiceDatabase(suiteDatabase, 'identity');
    const approvalDatabase = await provisionServiceDatabase(suiteDatabase, 'approval');
    topicPrefix = suiteTopicPrefix('approval-policy-changes');
    const common = { GRPC_HOST: '127.0.0.1', KAFKA_BROKERS: servers.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: topicPrefix, KEYCLOAK_URL: servers.keycloakUrl, KEYCLOAK_REALM: servers.realm };
    const identityPort = await freePort();
    const identityAccount = serviceAccount('identity');
    identity = await startIdentityProcess(
      { ...common, GRPC_PORT: String(identityPort), DATABASE_URL: identityDatabase.url, DATABASE_SCHEMA: identityDatabase.schema, SERVICE_CLIENT_ID: identityAccount.clientId, SERVICE_CLIENT_SECRET: identityAccount.clientSecret },
      `127.0.0.1:${identityPort}`,
    );
    const approvalPort = await freePort();
    const approvalAccount = serviceAccount('approval');
    approval = await startApprovalService(
      loadApprovalConfig({
        ...common,
        GRPC_PORT: String(approvalPort),
        DATABASE_URL: approvalDatabase.url,
        DATABASE_SCHEMA: approvalDatabase.schema,
        SERVICE_CLIENT_ID: approvalAccount.clientId,
        SERVICE_CLIENT_SECRET: approvalAccount.clientSecret,
        IDENTITY_GRPC_ADDRESS: `127.0.0.1:${identityPort}`,
      }),
    );
    db = new Client({ connectionString: approvalDatabase.url });
    await db.connect();
    await db.query(`SET search_path TO ${approvalDatabase.schema}`);
    client = createGrpcClient(approvalV1.ApprovalServiceService, `127.0.0.1:${approvalPort}`, 'ApprovalService');
    const whoAmI = createGrpcClient(identityV1.IdentityServiceService, `127.0.0.1:${identityPort}`, 'IdentityService');
    for (const user of ['admin', 'admin2', 'supervisor']) {
      tokens[user] = await userToken(user);
      actors[user] = (await unaryCall(whoAmI, 'whoAmI', {}, bearerMetadata(tokens[user]!))).actor!;
    }
    whoAmI.close();
    const kafka = createKafka('approval-policy-changes-spec', servers.kafkaBrokers);
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: `${topicPrefix}.spec-results` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName(topicPrefix, Topics.executionResults), topicName(topicPrefix, Topics.approvalDecisions)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void events.push(decodeEnvelope(message.value!)) });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await db?.end();
    client?.close();
    await approval?.close();
    if (identity && identity.exitCode === null) {
      const child = identity;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('starts with the policies that make grant and policy changes a second administrator’s decision', async () => {
    const { policies } = await unaryCall(client, 'listPolicies', {}, bearerMetadata(tokens['admin']!));
    expect(policies.filter((policy) => policy.name.endsWith('-changes'))).toEqual([
      { name: 'approval-policy-changes', operationTypePattern: 'approval_policy.*', mode: 'MANUAL', requiredApprovals: 1, priority: 50, serverPattern: '*', serverTags: [], groupMasks: [], approverRoles: ['admin'] },
      { name: 'grant-changes', operationTypePattern: 'grant.*', mode: 'MANUAL', requiredApprovals: 1, priority: 50, serverPattern: '*', serverTags: [], groupMasks: [], approverRoles: ['admin'] },
    ]);
  });

  it('creates a policy, reports APPLIED, and ListPolicies shows it; a redelivery and a retry write nothing again', async () => {
    const policy = policyOf('symbol-two-supervisors', { maxTotalPerCurrency: '5000.50', ttlSeconds: 3600, groupMasks: ['real*'] });
    const envelope = command([item(policy, false, stateOf(undefined), stateOf(policy))]);
    await send(envelope);
    const [result] = await waitForResults(envelope, 1);
    expect(result).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, serverId: PLATFORM_TARGETS.approval, mtReference: policy.name, before: { policy: 'absent' }, after: stateOf(policy), attempt: 1 });
    expect(await listed(policy.name)).toEqual({ ...policy, serverPattern: '*', maxTotalPerCurrency: '5000.50000000' });
    await send(envelope);
    await send({ ...envelope, eventId: randomUUID() });
    await eventually(async () => expect(resultsOf(envelope.executionRequested!.operationId)).toHaveLength(2));
    expect(resultsOf(envelope.executionRequested!.operationId)[1]).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, before: { policy: 'absent' }, after: stateOf(policy) });
    expect((await db.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1', [envelope.eventId])).rows).toEqual([{ n: 1 }]);
  });

  it('changes a policy when it is as approved, refuses one that drifted, and deletes it', async () => {
    const first = policyOf('symbol-changes-drift');
    await send(command([item(first, false, stateOf(undefined), stateOf(first))]));
    await eventually(async () => expect(await policyRows(first.name)).toHaveLength(1));
    const second = policyOf(first.name, { requiredApprovals: 3 });
    const change = command([item(second, false, stateOf(first), stateOf(second))]);
    await send(change);
    expect((await waitForResults(change, 1))[0]).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, before: stateOf(first), after: stateOf(second) });
    // Planned against the first version, which is gone meanwhile.
    const third = policyOf(first.name, { requiredApprovals: 4 });
    const drifted = command([item(third, false, stateOf(first), stateOf(third))]);
    await send(drifted);
    expect((await waitForResults(drifted, 1))[0]).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_DRIFTED, errorCode: 'BEFORE_STATE_DRIFTED', before: stateOf(second), after: {} });
    expect((await listed(first.name))?.requiredApprovals).toBe(3);
    const remove = command([item(catalogueV1.ApprovalPolicyParams.fromPartial({ name: first.name }), true, stateOf(second), stateOf(undefined))]);
    await send(remove);
    expect((await waitForResults(remove, 1))[0]).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, after: { policy: 'absent' } });
    expect(await listed(first.name)).toBeUndefined();
  });

  it('reports a policy the table refuses as FAILED, and leaves identity’s commands alone', async () => {
    const refused = policyOf('auto-with-approvers', { mode: 'AUTO', requiredApprovals: 1 });
    const envelope = command([item(refused, false, stateOf(undefined), stateOf(refused))]);
    await send(envelope);
    expect((await waitForResults(envelope, 1))[0]).toMatchObject({ status: operationV1.ItemStatus.ITEM_STATUS_FAILED, errorCode: 'REFUSED', errorMessage: expect.stringContaining('approval_policies_mode_quorum_check') });
    expect(await policyRows(refused.name)).toEqual([]);
    const elsewhere = policyOf('for-identity');
    const foreign = command([item(elsewhere, false, stateOf(undefined), stateOf(elsewhere))], PLATFORM_TARGETS.identity);
    await send(foreign);
    await eventually(async () => expect((await db.query('SELECT 1 FROM processed_events WHERE event_id = $1', [foreign.eventId])).rows).toHaveLength(1));
    expect((await db.query("SELECT 1 FROM outbox_messages WHERE event_type = 'ItemExecuted' AND message_key = $1", [foreign.executionRequested!.operationId])).rows).toEqual([]);
    expect(await policyRows(elsewhere.name)).toEqual([]);
  });

  it('lets one administrator approve a grant change another submitted, and nobody else', async () => {
    const grant = catalogueV1.GrantParams.fromPartial({ role: 'compliance', action: 'submit', operationTypePattern: 'balance.deposit', serverPattern: '*', limits: [{ currency: 'USD', maxPerItem: '100' }] });
    const items = [
      operationV1.ItemPlan.fromPartial({
        itemId: randomUUID(),
        rowNumber: 1,
        spec: { serverId: PLATFORM_TARGETS.identity, grantSet: grant },
        before: grantState(undefined),
        after: grantState(requestedGrantLimits(grant)),
        change: { grantChange: { grant, revoke: false } },
      }),
    ];
    const plan = { operationType: 'grant.set', items, executionOptions: '', digest: '' };
    plan.digest = planDigest(plan);
    const operationId = randomUUID();
    const submitted = buildEnvelope({ operationSubmitted: { operationId, clientRequestId: randomUUID(), plan, decisionId: randomUUID(), approvalPolicy: '', itemCount: 1, pageCount: 0, policyVersion: '' } }, { actor: actors['admin'], producer: 'intake', aggregateId: operationId });
    await producer.send({ topic: topicName(topicPrefix, Topics.operationEvents), messages: [{ key: operationId, value: encodeEnvelope(submitted) }] });
    await eventually(async () => expect(events.find((envelope) => envelope.approvalRequested?.operationId === operationId)?.approvalRequested).toMatchObject({ policyName: 'grant-changes', requiredApprovals: 1 }));
    const approve = (user: string) => unaryCall(client, 'approve', { operationId, planDigest: plan.digest, comment: '' }, bearerMetadata(tokens[user]!)).catch((error: ServiceError) => error);
    expect(await approve('admin')).toMatchObject({ details: expect.stringContaining('[SELF_APPROVAL]') });
    // Supervisors approve "*" on every server, but the policy asks for an administrator.
    expect(await approve('supervisor')).toMatchObject({ details: expect.stringContaining('[ROLE_NOT_ALLOWED]') });
    expect(await approve('admin2')).toMatchObject({ approvalRequest: { state: approvalV1.ApprovalState.APPROVAL_STATE_APPROVED, policyName: 'grant-changes', approvers: ['admin2'], summary: { serverIds: [PLATFORM_TARGETS.identity] } } });
    await eventually(async () => expect(events.find((envelope) => envelope.operationApproved?.operationId === operationId)?.operationApproved).toMatchObject({ policyName: 'grant-changes', autoApproved: false }));
  });
});
