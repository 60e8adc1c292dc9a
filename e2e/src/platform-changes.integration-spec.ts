import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { PLATFORM_TARGETS } from '@tradewarden/platform-change';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1, type catalogueV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { approvalPending, failure, operationReaches } from './operation-steps';

const { OperationStatus, ItemStatus } = operationV1;
type User = 'agent' | 'supervisor' | 'admin' | 'admin2';

/**
 * Grants and approval policies changed as operations through the real platform: one administrator submits, another
 * approves (supervisors may not, nor the submitter), identity or approval applies the change, and it takes effect.
 */
describe('platform changes as operations end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  const tokens: Record<User, string> = { agent: '', supervisor: '', admin: '', admin2: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('platform-changes', { generatedAccounts: 10 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    approval = createGrpcClient(approvalV1.ApprovalServiceService, platform.addresses.approval, 'ApprovalService');
    for (const user of Object.keys(tokens) as User[]) tokens[user] = await userToken(user);
  });

  afterAll(async () => {
    intake?.close();
    approval?.close();
    await platform?.stop();
  });

  const as = (user: User) => bearerMetadata(tokens[user]);
  const submit = async (user: User, operationType: string, items: Partial<operationV1.OperationItemSpec>[]) =>
    (await unaryCall(intake, 'submitOperation', intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: randomUUID(), operationType, items }), as(user), 60_000)).operation!;
  const reaches = (operationId: string, wanted: operationV1.OperationStatus) => operationReaches(intake, as('admin'), operationId, wanted);
  const pendingRequest = (operationId: string) => approvalPending(approval, as('admin2'), operationId);
  const approve = (user: User, operationId: string, planDigest: string) => unaryCall(approval, 'approve', { operationId, planDigest, comment: 'four eyes' }, as(user));
  const spreadValidation = () =>
    unaryCall(intake, 'validateOperation', intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'symbol.set_spread', items: [{ serverId: platform.serverId, symbolSetSpread: { symbol: 'EURUSD', spread: 12 } }] }), as('agent'));

  const agentSpreads: catalogueV1.GrantParams = { role: 'ops-agent', action: 'submit', operationTypePattern: 'symbol.set_spread', serverPattern: 'mt5-demo-*', serverTags: [], groupMasks: [], limits: [] };

  it('grants a role a permission once a second administrator approves, and takes it away again', async () => {
    expect((await failure(spreadValidation())).code).toBe(status.PERMISSION_DENIED);

    const granting = await submit('admin', 'grant.set', [{ serverId: PLATFORM_TARGETS.identity, grantSet: agentSpreads }]);
    expect(granting.items[0]).toMatchObject({ before: { grant: 'absent' }, after: { grant: 'present', limits: 'none' } });
    const request = await pendingRequest(granting.operationId);
    expect(request).toMatchObject({ policyName: 'grant-changes', approverRoles: ['admin'] });
    // Supervisors approve operations, not permissions; the submitter never approves their own.
    expect((await failure(approve('supervisor', granting.operationId, request.planDigest))).code).toBe(status.PERMISSION_DENIED);
    const self = await failure(approve('admin', granting.operationId, request.planDigest));
    expect(self.code).toBe(status.PERMISSION_DENIED);
    expect(self.details).toContain('[SELF_APPROVAL]');
    await approve('admin2', granting.operationId, request.planDigest);
    const granted = await reaches(granting.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(granted.items[0]!.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
    await eventually(async () => expect((await spreadValidation()).valid).toBe(true));

    const revoking = await submit('admin', 'grant.revoke', [{ serverId: PLATFORM_TARGETS.identity, grantRevoke: agentSpreads }]);
    const revokeRequest = await pendingRequest(revoking.operationId);
    await approve('admin2', revoking.operationId, revokeRequest.planDigest);
    await reaches(revoking.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    await eventually(async () => expect((await failure(spreadValidation())).code).toBe(status.PERMISSION_DENIED));
  });

  it('changes an approval policy, which decides the next operations', async () => {
    const policies = (await unaryCall(approval, 'listPolicies', {}, as('admin'))).policies;
    const single = policies.find((policy) => policy.name === 'single-approval-balance')!;
    const changing = await submit('admin', 'approval_policy.set', [{ serverId: PLATFORM_TARGETS.approval, approvalPolicySet: { ...single, requiredApprovals: 2 } }]);
    expect([changing.items[0]!.before['required_approvals'], changing.items[0]!.after['required_approvals']]).toEqual(['1', '2']);
    const request = await pendingRequest(changing.operationId);
    await approve('admin2', changing.operationId, request.planDigest);
    await reaches(changing.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);

    const withdrawal = await submit('agent', 'balance.withdrawal', [{ serverId: platform.serverId, balanceWithdrawal: { login: '500001', amount: { amount: '3.00', currency: 'USD' }, comment: '' } }]);
    expect(await pendingRequest(withdrawal.operationId)).toMatchObject({ policyName: 'single-approval-balance', requiredApprovals: 2 });
  });

  it('scopes a policy to servers by registry tag', async () => {
    // Withdrawals on servers the registry tags "demo" need no approval; elsewhere the usual policies decide.
    const demoAuto: catalogueV1.ApprovalPolicyParams = {
      name: 'demo-withdrawals-auto',
      operationTypePattern: 'balance.withdrawal',
      mode: 'AUTO',
      requiredApprovals: 0,
      priority: 5,
      serverPattern: '*',
      serverTags: ['demo'],
      groupMasks: [],
      approverRoles: [],
    };
    const adding = await submit('admin', 'approval_policy.set', [{ serverId: PLATFORM_TARGETS.approval, approvalPolicySet: demoAuto }]);
    expect(adding.items[0]!.after).toMatchObject({ server_tags: 'demo', mode: 'AUTO' });
    await approve('admin2', adding.operationId, (await pendingRequest(adding.operationId)).planDigest);
    await reaches(adding.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);

    const onDemo = await submit('agent', 'balance.withdrawal', [{ serverId: platform.serverId, balanceWithdrawal: { login: '500002', amount: { amount: '2.00', currency: 'USD' }, comment: '' } }]);
    await reaches(onDemo.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    const onMt4 = await submit('agent', 'balance.withdrawal', [{ serverId: platform.mt4ServerId, balanceWithdrawal: { login: '700001', amount: { amount: '2.00', currency: 'USD' }, comment: '' } }]);
    expect((await pendingRequest(onMt4.operationId)).policyName).not.toBe('demo-withdrawals-auto');
  });

  it('refuses a malformed grant field by field, and a change submitted for another service', async () => {
    const preview = await unaryCall(
      intake,
      'validateOperation',
      intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'grant.set', items: [{ serverId: PLATFORM_TARGETS.identity, grantSet: { ...agentSpreads, action: 'steal', limits: [{ currency: 'usd' }] } }] }),
      as('admin'),
    );
    expect(preview.items[0]!.errors.map((error) => `${error.field}:${error.code}`)).toEqual(['items[0].grant_set.action:UNKNOWN', 'items[0].grant_set.limits[0].currency:FORMAT']);
    const elsewhere = await failure(submit('admin', 'grant.set', [{ serverId: platform.serverId, grantSet: agentSpreads }]));
    expect(elsewhere.code).toBe(status.INVALID_ARGUMENT);
    expect(elsewhere.details).toContain('items[0].server_id: grant.set items are applied by "tradewarden-identity"');
    // Agents hold no permission to change permissions.
    expect((await failure(submit('agent', 'grant.set', [{ serverId: PLATFORM_TARGETS.identity, grantSet: agentSpreads }]))).code).toBe(status.PERMISSION_DENIED);
  });
});
