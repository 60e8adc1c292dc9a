import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, checkHealth, createGrpcClient, listServicesByReflection, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { auditV1, gatewayV1, identityV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

// One balance deposit end to end: gRPC SubmitOperation with a real Keycloak token -> intake (outbox) -> Kafka ->
// approval (auto-approve policy) -> Kafka -> intake dispatch -> gateway on the MT5 simulator -> result -> COMPLETED,
// with an audit record for every step.
describe('walking skeleton: a deposit from submission to audit', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let audit: GrpcClient<typeof auditV1.AuditServiceService>;
  let agentToken: string;

  const deposit = (clientRequestId: string, amount: string, login = '500001', currency = 'USD'): intakeV1.SubmitOperationRequest =>
    intakeV1.SubmitOperationRequest.fromPartial({
    clientRequestId,
    operationType: 'balance.deposit',
    items: [{ serverId: platform.serverId, balanceDeposit: { login, amount: { amount, currency }, comment: 'payment 7781 confirmed' } }],
  });

  const callError = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: ServiceError) => error,
    );

  beforeAll(async () => {
    platform = await startInProcessPlatform('skeleton');
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    audit = createGrpcClient(auditV1.AuditServiceService, platform.addresses.audit, 'AuditService');
    agentToken = await userToken('agent');
  });

  afterAll(async () => {
    intake?.close();
    audit?.close();
    await platform?.stop();
  });

  it('every service serves the standard health service and reflection', async () => {
    for (const [name, address] of Object.entries(platform.addresses)) {
      expect(await checkHealth(address)).toBe('SERVING');
      const services = await listServicesByReflection(address);
      expect(services).toEqual(expect.arrayContaining(['grpc.health.v1.Health', `tradewarden.${name}.v1.${name[0]!.toUpperCase()}${name.slice(1)}Service`]));
    }
  });

  it('executes a deposit on the simulator, shows COMPLETED and audits every step', async () => {
    const account = platform.simulator.state.accounts.get(500001n)!;
    const balanceBefore = account.balance;
    const submitted = await unaryCall(intake, 'submitOperation', deposit('crm-payment-7781', '250.00'), bearerMetadata(agentToken));
    expect(submitted.replayed).toBe(false);
    const operation = submitted.operation!;
    expect(operation.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_SUBMITTED);
    expect(operation.planDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(operation.items[0]!.before['balance']).toBe('1000.00');
    expect(operation.items[0]!.after['balance']).toBe('1250.00');

    const completed = await eventually(async () => {
      const reply = await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId: operation.operationId }), bearerMetadata(agentToken));
      expect(reply.operation!.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);
      return reply.operation!;
    }, 60000);
    const item = completed.items[0]!;
    expect(item.status).toBe(operationV1.ItemStatus.ITEM_STATUS_APPLIED);
    expect(item.mtReference).toMatch(/^\d+$/);

    // The simulator booked exactly one deal, tagged with the item's execution token, and the balance moved by 250.00.
    expect(account.balance - balanceBefore).toBe(25000n);
    const deals = platform.simulator.state.deals.filter((deal) => deal.login === 500001n);
    expect(deals).toHaveLength(1);
    expect(deals[0]!.comment).toBe(`TW-${item.itemId.replace(/-/g, '').slice(0, 28)}`);
    expect(deals[0]!.deal.toString()).toBe(item.mtReference);

    const complianceToken = await userToken('compliance');
    const records = await eventually(async () => {
      const reply = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ operationId: operation.operationId, afterSequence: '', pageSize: 100 }), bearerMetadata(complianceToken));
      const types = reply.records.map((record) => record.eventType);
      expect(types).toEqual(expect.arrayContaining(['OperationSubmitted', 'OperationApproved', 'ExecutionRequested', 'ItemExecuted']));
      expect(types.filter((type) => type === 'OperationStatusChanged')).toHaveLength(3);
      return reply.records;
    }, 30000);
    const submittedRecord = records.find((record) => record.eventType === 'OperationSubmitted')!;
    expect(submittedRecord.actorUsername).toBe('agent');
    // One trace from submission to execution result.
    expect(new Set(records.map((record) => record.traceId)).size).toBe(1);
    expect(submittedRecord.traceId).toMatch(/^[0-9a-f]{32}$/);
    const statuses = records
      .filter((record) => record.eventType === 'OperationStatusChanged')
      .map((record) => (JSON.parse(record.detailsJson) as { toStatus: string }).toStatus);
    expect(statuses).toEqual(['OPERATION_STATUS_APPROVED', 'OPERATION_STATUS_EXECUTING', 'OPERATION_STATUS_COMPLETED']);

    const verdict = await unaryCall(audit, 'verifyChain', { fromSequence: '', toSequence: '' }, bearerMetadata(complianceToken));
    expect(verdict).toMatchObject({ valid: true, firstBadSequence: '' });
  });

  it('executes a deposit on an MT4 server through its manager bridge', async () => {
    const before = platform.mt4.state.accounts.get(700004n)!.balance;
    const request = intakeV1.SubmitOperationRequest.fromPartial({
      clientRequestId: 'crm-mt4-payment-1',
      operationType: 'balance.deposit',
      items: [{ serverId: platform.mt4ServerId, balanceDeposit: { login: '700004', amount: { amount: '75.25', currency: 'USD' }, comment: 'mt4 payment' } }],
    });
    const submitted = await unaryCall(intake, 'submitOperation', request, bearerMetadata(agentToken));
    expect(submitted.operation!.items[0]!.before).toMatchObject({ group: 'real-pro-usd', currency: 'USD', balance: '10000.00' });
    const completed = await eventually(async () => {
      const reply = await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId: submitted.operation!.operationId }), bearerMetadata(agentToken));
      expect(reply.operation!.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);
      return reply.operation!;
    }, 60000);
    expect(platform.mt4.state.accounts.get(700004n)!.balance - before).toBe(7525n);
    const item = completed.items[0]!;
    expect(platform.mt4.state.deals.filter((deal) => deal.comment === `TW-${item.itemId.replace(/-/g, '').slice(0, 28)}`)).toHaveLength(1);
    expect(item.after['balance']).toBe('10075.25');
  });

  it('returns the same operation for a repeated client request id, also under concurrent repeats', async () => {
    const request = deposit('crm-payment-7782', '10.00', '500002');
    const replies = await Promise.all([1, 2, 3].map(() => unaryCall(intake, 'submitOperation', request, bearerMetadata(agentToken))));
    const ids = new Set(replies.map((reply) => reply.operation!.operationId));
    expect(ids.size).toBe(1);
    expect(replies.filter((reply) => !reply.replayed)).toHaveLength(1);
    const again = await unaryCall(intake, 'submitOperation', request, bearerMetadata(agentToken));
    expect(again).toMatchObject({ replayed: true, operation: { operationId: [...ids][0] } });
  });

  it('refuses a different payload under a used client request id', async () => {
    await unaryCall(intake, 'submitOperation', deposit('crm-payment-7783', '10.00', '500003'), bearerMetadata(agentToken));
    const error = await callError(unaryCall(intake, 'submitOperation', deposit('crm-payment-7783', '99.00', '500003'), bearerMetadata(agentToken)));
    expect(error.code).toBe(status.ALREADY_EXISTS);
  });

  it('names the field when live validation fails, and stores nothing', async () => {
    const error = await callError(unaryCall(intake, 'submitOperation', deposit('crm-payment-404', '10.00', '999999'), bearerMetadata(agentToken)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('items[0].balance_deposit.login: account 999999 does not exist on mt5-demo-1');
  });

  it('names the field when static validation fails', async () => {
    const error = await callError(unaryCall(intake, 'submitOperation', deposit('crm-payment-bad', '12.345'), bearerMetadata(agentToken)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('items[0].balance_deposit.amount.amount');
  });

  it('answers UNAUTHENTICATED without a token, with a tampered token and with alg none', async () => {
    const none = await callError(unaryCall(intake, 'submitOperation', deposit('no-token', '1.00'), new Metadata()));
    expect(none.code).toBe(status.UNAUTHENTICATED);
    const [header, payload] = agentToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['admin'] } })).toString('base64url');
    const tampered = await callError(unaryCall(intake, 'submitOperation', deposit('tampered', '1.00'), bearerMetadata(`${header}.${forgedPayload}.${agentToken.split('.')[2]}`)));
    expect(tampered.code).toBe(status.UNAUTHENTICATED);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const algNone = await callError(unaryCall(intake, 'submitOperation', deposit('alg-none', '1.00'), bearerMetadata(unsigned)));
    expect(algNone.code).toBe(status.UNAUTHENTICATED);
  });

  it('answers PERMISSION_DENIED naming the missing permission, and audits the denial', async () => {
    const complianceToken = await userToken('compliance');
    const denied = await callError(unaryCall(intake, 'submitOperation', deposit('compliance-try', '1.00'), bearerMetadata(complianceToken)));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.details).toContain('missing permission "submit" for "balance.deposit" on server mt5-demo-1');
    const agentAudit = await callError(unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ operationId: '', afterSequence: '', pageSize: 10 }), bearerMetadata(agentToken)));
    expect(agentAudit.code).toBe(status.PERMISSION_DENIED);
    await eventually(async () => {
      const reply = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ operationId: '', afterSequence: '', pageSize: 1000 }), bearerMetadata(complianceToken));
      const denials = reply.records.filter((record) => record.eventType === 'AccessDenied').map((record) => JSON.parse(record.detailsJson) as { code: string; reason: string });
      expect(denials).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: 'PERMISSION_DENIED', reason: expect.stringContaining('"submit" for "balance.deposit"') }),
          expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        ]),
      );
    }, 30000);
  });

  it('lets an administrator add and disable a server, audited; refuses everyone else', async () => {
    const gateway = createGrpcClient(gatewayV1.GatewayServiceService, platform.addresses.gateway, 'GatewayService');
    try {
      const adminToken = await userToken('admin');
      const spec = {
        serverId: 'mt5-demo-2',
        platform: 'mt5',
        address: platform.mt5Connection.address,
        managerLogin: '1000',
        passwordRef: platform.mt5Connection.passwordRef,
        tags: ['demo', 'second'],
        maxConnections: 2,
        minIdle: 0,
        requestsPerSecond: 0,
        requestTimeoutMs: 0,
        acquireTimeoutMs: 0,
        tlsCaFile: '',
        tlsPinnedSha256: platform.mt5Connection.pinnedSha256,
        allowPlainHttp: false,
      };
      const denied = await callError(unaryCall(gateway, 'upsertServer', { server: spec }, bearerMetadata(agentToken)));
      expect(denied.code).toBe(status.PERMISSION_DENIED);
      expect(denied.details).toContain('missing permission "admin" for "registry.server"');
      const invalid = await callError(unaryCall(gateway, 'upsertServer', { server: { ...spec, address: 'http://127.0.0.1:1' } }, bearerMetadata(adminToken)));
      expect(invalid.code).toBe(status.INVALID_ARGUMENT);
      expect(invalid.details).toContain('server.address: is plain http');

      const added = await unaryCall(gateway, 'upsertServer', { server: spec }, bearerMetadata(adminToken));
      expect(added).toMatchObject({ created: true, server: { serverId: 'mt5-demo-2', enabled: true, maxConnections: 2 } });
      const submitted = await unaryCall(intake, 'submitOperation', deposit('second-server-1', '5.00', '500005'), bearerMetadata(agentToken));
      expect(submitted.operation).toBeDefined();
      const onSecond = await unaryCall(
        intake,
        'submitOperation',
        { ...deposit('second-server-2', '5.00', '500005'), items: [{ serverId: 'mt5-demo-2', balanceDeposit: { login: '500005', amount: { amount: '5.00', currency: 'USD' }, comment: '' } }] },
        bearerMetadata(agentToken),
      );
      expect(onSecond.operation!.items[0]!.before['balance']).toMatch(/^\d+\.\d{2}$/);

      await unaryCall(gateway, 'disableServer', { serverId: 'mt5-demo-2', reason: 'maintenance window' }, bearerMetadata(adminToken));
      const refused = await callError(
        unaryCall(
          intake,
          'submitOperation',
          { ...deposit('second-server-3', '5.00', '500005'), items: [{ serverId: 'mt5-demo-2', balanceDeposit: { login: '500005', amount: { amount: '5.00', currency: 'USD' }, comment: '' } }] },
          bearerMetadata(agentToken),
        ),
      );
      expect(refused.code).toBe(status.INVALID_ARGUMENT);
      expect(refused.details).toContain('items[0].server_id: MT server "mt5-demo-2" is out of service');

      const complianceToken = await userToken('compliance');
      await eventually(async () => {
        const reply = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ operationId: '', afterSequence: '', pageSize: 1000 }), bearerMetadata(complianceToken));
        // The configured servers were recorded when the gateway first applied its configuration, then the admin's changes.
        const changes = reply.records.filter((record) => record.eventType === 'ServerRegistryChanged');
        const details = (record: (typeof changes)[number]) => JSON.parse(record.detailsJson) as { serverId: string; change: string };
        expect(changes.filter((record) => details(record).serverId === 'mt5-demo-2').map((record) => [record.actorUsername, details(record).change])).toEqual([
          ['admin', 'created'],
          ['admin', 'disabled'],
        ]);
        expect(changes.filter((record) => record.actorUsername === 'gateway configuration').map((record) => [details(record).serverId, details(record).change])).toEqual(
          expect.arrayContaining([
            ['mt5-demo-1', 'created'],
            ['mt4-demo-1', 'created'],
          ]),
        );
      }, 30000);
    } finally {
      gateway.close();
    }
  });

  it('keeps service-internal methods to service accounts, and tells a user who they are', async () => {
    const identity = createGrpcClient(identityV1.IdentityServiceService, platform.addresses.identity, 'IdentityService');
    const gateway = createGrpcClient(gatewayV1.GatewayServiceService, platform.addresses.gateway, 'GatewayService');
    try {
      const me = await unaryCall(identity, 'whoAmI', {}, bearerMetadata(agentToken));
      expect(me.actor).toMatchObject({ username: 'agent', roles: ['ops-agent'], clientId: 'tradewarden-cli' });
      expect(me.permissions).toEqual(expect.arrayContaining(['submit:balance.*', 'view:balance.*']));

      const selfAuthorize = await callError(
        unaryCall(identity, 'authorize', { actor: me.actor, action: 'approve', operationType: 'balance.deposit', serverId: '' }, bearerMetadata(agentToken)),
      );
      expect(selfAuthorize.code).toBe(status.PERMISSION_DENIED);
      expect(selfAuthorize.details).toContain('missing role tradewarden-service');

      const directRead = await callError(unaryCall(gateway, 'getAccount', { serverId: platform.serverId, login: '500001' }, bearerMetadata(agentToken)));
      expect(directRead.code).toBe(status.PERMISSION_DENIED);
    } finally {
      identity.close();
      gateway.close();
    }
  });
});
