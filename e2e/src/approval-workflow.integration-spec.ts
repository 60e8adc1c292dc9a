import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { eventually, shortLivedUserToken, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { approvalPending, failure, operationReaches } from './operation-steps';

const { OperationStatus } = operationV1;
const { ApprovalState } = approvalV1;
type User = 'agent' | 'agent2' | 'supervisor' | 'supervisor2' | 'admin';

// Requests wait this long here, so that one test can watch a request expire; the others decide well within it.
const TTL_SECONDS = 20;

/**
 * The approval workflow through the real platform with real Keycloak users: what each approver is shown as pending,
 * the plan a page at a time, N-of-M quorums chosen by amount, two approvers at once, expiry, and delegation.
 */
describe('approval workflow end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  const tokens: Record<User, string> = { agent: '', agent2: '', supervisor: '', supervisor2: '', admin: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('approvals', {
      generatedAccounts: 10,
      approvalEnv: { APPROVAL_DEFAULT_TTL_HOURS: String(TTL_SECONDS / 3600), APPROVAL_EXPIRY_SWEEP_SECONDS: '1' },
    });
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
  const usd = (amount: string): commonV1.Money => ({ amount, currency: 'USD' });

  const submit = async (user: User, operationType: string, items: Partial<operationV1.OperationItemSpec>[]) =>
    (await unaryCall(intake, 'submitOperation', intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: randomUUID(), operationType, items }), as(user), 60_000)).operation!;
  const withdrawal = (login: string, amount: string) => submit('agent', 'balance.withdrawal', [{ serverId: platform.serverId, balanceWithdrawal: { login, amount: usd(amount), comment: 'approvals e2e' } }]);
  const deposit = (login: string, amount: string) => submit('agent', 'balance.deposit', [{ serverId: platform.serverId, balanceDeposit: { login, amount: usd(amount), comment: 'approvals e2e' } }]);

  const pendingRequest = (operationId: string) => approvalPending(approval, as('supervisor'), operationId);
  const listPending = async (user: User, operationType = '') => (await unaryCall(approval, 'listPending', approvalV1.ListPendingRequest.fromPartial({ operationType }), as(user))).approvalRequests;
  const approve = (user: User, operationId: string, planDigest: string) => unaryCall(approval, 'approve', { operationId, planDigest, comment: 'checked' }, as(user));
  const operationStatus = async (operationId: string) => (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), as('supervisor'))).operation!;
  const reaches = (operationId: string, wanted: operationV1.OperationStatus) => operationReaches(intake, as('supervisor'), operationId, wanted);

  it('shows each approver what they may decide, with its summary and its plan page by page', async () => {
    const operation = await withdrawal('500001', '12.00');
    const request = await pendingRequest(operation.operationId);
    expect(request).toMatchObject({
      policyName: 'single-approval-balance',
      requiredApprovals: 1,
      submittedBy: 'agent',
      summary: { itemCount: 1, serverIds: [platform.serverId], accountCount: 1, totals: [{ amount: '12.00', currency: 'USD' }], warningCount: 0 },
    });
    expect(request.executionOptions).toBe('');
    const expiresIn = request.expiresAt!.getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(TTL_SECONDS * 1000);

    expect((await listPending('supervisor')).map((pending) => pending.operationId)).toContain(operation.operationId);
    expect((await listPending('supervisor', 'balance.withdrawal')).map((pending) => pending.operationId)).toContain(operation.operationId);
    expect((await listPending('supervisor', 'symbol.set_spread')).map((pending) => pending.operationId)).not.toContain(operation.operationId);
    // Not to its submitter, nor to agents and admins, who hold no approve permission.
    for (const user of ['agent', 'agent2', 'admin'] as const) expect((await listPending(user)).map((pending) => pending.operationId)).not.toContain(operation.operationId);

    const plan = await unaryCall(approval, 'getApprovalPlan', approvalV1.GetApprovalPlanRequest.fromPartial({ operationId: operation.operationId }), as('supervisor'));
    expect(plan.nextPageToken).toBe('');
    expect(plan.items).toHaveLength(1);
    expect(plan.items[0]).toMatchObject({ rowNumber: 1, before: expect.objectContaining({ login: '500001' }), change: { balance: expect.objectContaining({ amount: '-12.00' }) } });

    await approve('supervisor', operation.operationId, request.planDigest);
    await reaches(operation.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect((await listPending('supervisor')).map((pending) => pending.operationId)).not.toContain(operation.operationId);
  });

  it('asks two distinct supervisors for a deposit over 100,000 USD', async () => {
    const operation = await deposit('500002', '150000.00');
    const request = await pendingRequest(operation.operationId);
    expect(request).toMatchObject({ policyName: 'large-balance-two-approvals', requiredApprovals: 2 });
    await approve('supervisor', operation.operationId, request.planDigest);
    const twice = await failure(approve('supervisor', operation.operationId, request.planDigest));
    expect(twice.code).toBe(status.PERMISSION_DENIED);
    expect(twice.details).toContain('[DUPLICATE_APPROVER]');
    expect((await operationStatus(operation.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_PENDING_APPROVAL);
    // Already approved by this supervisor: no longer in their list, still in the other's.
    expect((await listPending('supervisor')).map((pending) => pending.operationId)).not.toContain(operation.operationId);
    expect((await listPending('supervisor2')).map((pending) => pending.operationId)).toContain(operation.operationId);
    const decided = (await approve('supervisor2', operation.operationId, request.planDigest)).approvalRequest!;
    expect(decided).toMatchObject({ state: ApprovalState.APPROVAL_STATE_APPROVED, approvers: ['supervisor', 'supervisor2'] });
    await reaches(operation.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
  });

  it('makes exactly one decision of two approvals arriving at once', async () => {
    const operation = await withdrawal('500003', '5.00');
    const request = await pendingRequest(operation.operationId);
    const outcomes = await Promise.allSettled([approve('supervisor', operation.operationId, request.planDigest), approve('supervisor2', operation.operationId, request.planDigest)]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!.reason as ServiceError;
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.details).toContain('[NOT_PENDING]');
    const done = await reaches(operation.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(done.counts).toMatchObject({ total: 1, applied: 1 });
    expect((await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as('supervisor'))).approvalRequest!.approvers).toHaveLength(1);
  });

  it('expires a request nobody decided in time; the operation never runs and late decisions are refused', async () => {
    const balanceBefore = platform.simulator.state.accounts.get(500004n)!.balance;
    const operation = await withdrawal('500004', '7.00');
    const request = await pendingRequest(operation.operationId);
    const expired = await eventually(() => reaches(operation.operationId, OperationStatus.OPERATION_STATUS_EXPIRED), (TTL_SECONDS + 30) * 1000, 1000);
    expect(expired.statusReason).toMatch(/^approval expired at .* with 0 of 1 approvals$/);
    const closed = (await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as('supervisor'))).approvalRequest!;
    expect(closed.state).toBe(ApprovalState.APPROVAL_STATE_EXPIRED);
    expect(closed.reason).toContain('nobody decided before');
    const late = await failure(approve('supervisor', operation.operationId, request.planDigest));
    expect(late.code).toBe(status.FAILED_PRECONDITION);
    expect(platform.simulator.state.accounts.get(500004n)!.balance).toBe(balanceBefore);
  }, 120_000);

  it("lets a delegate approve with the delegator's permission until the delegation is revoked", async () => {
    const validUntil = new Date(Date.now() + 86_400_000);
    // Only what one holds can be lent, and only with a reason and an end.
    const notHeld = await failure(unaryCall(approval, 'delegateApprovals', approvalV1.DelegateApprovalsRequest.fromPartial({ delegate: 'agent', operationTypePattern: 'balance.*', validUntil, reason: 'cover' }), as('agent2')));
    expect(notHeld.code).toBe(status.PERMISSION_DENIED);
    const unbounded = await failure(unaryCall(approval, 'delegateApprovals', approvalV1.DelegateApprovalsRequest.fromPartial({ delegate: 'agent2', operationTypePattern: 'balance.*', reason: '' }), as('supervisor')));
    expect(unbounded.code).toBe(status.INVALID_ARGUMENT);
    expect(unbounded.details).toContain('valid_until: required');
    expect(unbounded.details).toContain('reason: say why');

    const { delegation } = await unaryCall(
      approval,
      'delegateApprovals',
      approvalV1.DelegateApprovalsRequest.fromPartial({ delegate: 'agent2', operationTypePattern: 'balance.*', validUntil, reason: 'holiday cover' }),
      as('supervisor'),
    );
    expect(delegation).toMatchObject({ delegator: 'supervisor', delegate: 'agent2', operationTypePattern: 'balance.*' });
    expect((await unaryCall(approval, 'listDelegations', {}, as('agent2'))).delegations.map((given) => given.delegationId)).toEqual([delegation!.delegationId]);

    const operation = await withdrawal('500005', '3.00');
    const request = await pendingRequest(operation.operationId);
    expect((await listPending('agent2')).map((pending) => pending.operationId)).toContain(operation.operationId);
    const decided = (await approve('agent2', operation.operationId, request.planDigest)).approvalRequest!;
    expect(decided.approvers).toEqual(['agent2 (for supervisor)']);
    await reaches(operation.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);

    // A delegation covers only its types: the supervisor's own symbol change is neither in scope nor theirs to approve.
    const spread = await submit('supervisor', 'symbol.set_spread', [{ serverId: platform.serverId, symbolSetSpread: { symbol: 'EURUSD', spread: 17 } }]);
    const spreadRequest = await pendingRequest(spread.operationId);
    expect((await failure(approve('agent2', spread.operationId, spreadRequest.planDigest))).code).toBe(status.PERMISSION_DENIED);

    await unaryCall(approval, 'revokeDelegation', { delegationId: delegation!.delegationId }, as('supervisor'));
    const after = await withdrawal('500005', '2.00');
    const afterRequest = await pendingRequest(after.operationId);
    expect((await listPending('agent2')).map((pending) => pending.operationId)).not.toContain(after.operationId);
    expect((await failure(approve('agent2', after.operationId, afterRequest.planDigest))).code).toBe(status.PERMISSION_DENIED);
    await approve('supervisor', after.operationId, afterRequest.planDigest);
    await approve('supervisor2', spread.operationId, spreadRequest.planDigest);
  });

  it('holds an approved operation until its not_before time, and lets it be cancelled meanwhile', async () => {
    const account = platform.simulator.state.accounts.get(500001n)!;
    const scheduledDeposit = (amount: string, notBefore: Date) =>
      unaryCall(
        intake,
        'submitOperation',
        intakeV1.SubmitOperationRequest.fromPartial({
          clientRequestId: randomUUID(),
          operationType: 'balance.deposit',
          items: [{ serverId: platform.serverId, balanceDeposit: { login: '500001', amount: usd(amount), comment: 'at rollover' } }],
          options: { notBefore },
        }),
        as('agent'),
        60_000,
      );
    const past = await failure(scheduledDeposit('1.00', new Date(Date.now() - 60_000)));
    expect(past.code).toBe(status.INVALID_ARGUMENT);
    expect(past.details).toContain('options.not_before: must be in the future');

    const before = account.balance;
    const runAt = new Date(Date.now() + 8_000);
    const { operation } = await scheduledDeposit('4.00', runAt);
    const waiting = await reaches(operation!.operationId, OperationStatus.OPERATION_STATUS_SCHEDULED);
    expect(waiting.statusReason).toBe(`scheduled: runs at ${runAt.toISOString()}`);
    expect(account.balance).toBe(before);
    const done = await reaches(operation!.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(done.updatedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
    expect(account.balance - before).toBe(400n);

    const { operation: cancelled } = await scheduledDeposit('5.00', new Date(Date.now() + 60_000));
    await reaches(cancelled!.operationId, OperationStatus.OPERATION_STATUS_SCHEDULED);
    await unaryCall(intake, 'cancelOperation', intakeV1.CancelOperationRequest.fromPartial({ operationId: cancelled!.operationId, reason: 'rate changed' }), as('agent'));
    expect((await operationStatus(cancelled!.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_CANCELLED);
    expect(account.balance - before).toBe(400n);
  });

  it('refuses the attacks: a token signed with a foreign key, an expired token, an approval of another plan, approvers without the permission', async () => {
    const operation = await withdrawal('500002', '6.00');
    const request = await pendingRequest(operation.operationId);

    // A supervisor's claims signed with a key that is not the realm's, under the realm key's id.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [header, payload] = tokens.supervisor.split('.');
    const signed = `${header}.${payload}`;
    const forged = `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url')}`;
    const withForged = await failure(unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: request.planDigest, comment: '' }, bearerMetadata(forged)));
    expect(withForged.code).toBe(status.UNAUTHENTICATED);

    // A real token of the realm, once it has expired (issued to live 2 seconds).
    const shortLived = await shortLivedUserToken('supervisor', 2);
    expect((await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, bearerMetadata(shortLived))).approvalRequest!.operationId).toBe(operation.operationId);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const expired = await failure(unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: request.planDigest, comment: '' }, bearerMetadata(shortLived)));
    expect(expired.code).toBe(status.UNAUTHENTICATED);
    expect(expired.details).toMatch(/expired/i);

    // An approval carried over from another plan: the digest of an earlier operation.
    const earlier = await withdrawal('500003', '6.00');
    const earlierRequest = await pendingRequest(earlier.operationId);
    const replayed = await failure(approve('supervisor', operation.operationId, earlierRequest.planDigest));
    expect(replayed.code).toBe(status.FAILED_PRECONDITION);
    expect(replayed.details).toContain('[DIGEST_MISMATCH]');

    for (const user of ['agent2', 'admin'] as const) {
      const denied = await failure(approve(user, operation.operationId, request.planDigest));
      expect(denied.code).toBe(status.PERMISSION_DENIED);
      expect(denied.details).toContain('missing permission "approve" for "balance.withdrawal"');
    }
    const self = await failure(approve('agent', operation.operationId, request.planDigest));
    expect(self.code).toBe(status.PERMISSION_DENIED);
    expect((await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as('supervisor'))).approvalRequest!).toMatchObject({
      state: ApprovalState.APPROVAL_STATE_PENDING,
      approvers: [],
    });
    await approve('supervisor', operation.operationId, request.planDigest);
    await approve('supervisor', earlier.operationId, earlierRequest.planDigest);
  });
});
