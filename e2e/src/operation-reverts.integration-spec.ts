import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { approvalPending, failure, operationReaches } from './operation-steps';

const { OperationStatus, ItemStatus } = operationV1;
type User = 'agent' | 'supervisor' | 'supervisor2';

/**
 * RevertOperation through the real platform: a revert is an operation of its own (operation.revert), approved by a
 * second person, executed by the gateway from the revert changes recorded with the original's plan; the original
 * becomes REVERTED when it completes, and a record changed on the server since is reported DRIFTED, not overwritten.
 */
describe('reverting operations end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  const tokens: Record<User, string> = { agent: '', supervisor: '', supervisor2: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('reverts', { generatedAccounts: 10 });
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

  const revert = (user: User, operationId: string, clientRequestId: string = randomUUID(), reason = 'booked on the wrong account') =>
    unaryCall(intake, 'revertOperation', intakeV1.RevertOperationRequest.fromPartial({ operationId, clientRequestId, reason }), as(user), 60_000);

  const get = async (operationId: string) => (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), as('supervisor'))).operation!;

  const reaches = (operationId: string, wanted: operationV1.OperationStatus) => operationReaches(intake, as('supervisor'), operationId, wanted);

  async function approve(user: User, operationId: string): Promise<void> {
    const pending = await approvalPending(approval, as(user), operationId);
    await unaryCall(approval, 'approve', { operationId, planDigest: pending.planDigest, comment: 'checked' }, as(user));
  }

  it('reverts a deposit once a second supervisor approves, and marks the original REVERTED', async () => {
    const account = platform.simulator.state.accounts.get(500001n)!;
    const deposit = await submit('agent', 'balance.deposit', [{ serverId: platform.serverId, balanceDeposit: { login: '500001', amount: { amount: '100.00', currency: 'USD' }, comment: 'revert e2e' } }]);
    const applied = (await reaches(deposit.operationId, OperationStatus.OPERATION_STATUS_COMPLETED)).items[0]!;
    const afterDeposit = account.balance;

    // Reverting is its own permission: the agent who deposited may not.
    const denied = await failure(revert('agent', deposit.operationId));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.details).toContain('operation.revert');

    const requestId = randomUUID();
    const { operation: reverting, replayed, irreversibleRows } = await revert('supervisor', deposit.operationId, requestId);
    expect(replayed).toBe(false);
    expect(irreversibleRows).toEqual([]);
    expect(reverting).toMatchObject({ operationType: 'operation.revert', revertsOperationId: deposit.operationId, submittedBy: 'supervisor' });
    expect(reverting!.statusReason).toBe(`reverts operation ${deposit.operationId}: booked on the wrong account`);
    expect(reverting!.items).toHaveLength(1);
    // What the approver sees: the state the deposit left (as the gateway read it back), and the state before it.
    expect(Number(reverting!.items[0]!.before['balance'])).toBe(1100);
    expect(reverting!.items[0]!.before).toEqual(applied.after);
    expect(reverting!.items[0]!.after).toEqual(applied.before);

    // The same request again is the same revert; another request while it is under way is refused.
    const again = await revert('supervisor', deposit.operationId, requestId);
    expect(again).toMatchObject({ replayed: true, operation: { operationId: reverting!.operationId } });
    const second = await failure(revert('supervisor2', deposit.operationId));
    expect(second.code).toBe(status.FAILED_PRECONDITION);
    expect(second.details).toContain(reverting!.operationId);

    await reaches(reverting!.operationId, OperationStatus.OPERATION_STATUS_PENDING_APPROVAL);
    await approve('supervisor2', reverting!.operationId);
    const done = await reaches(reverting!.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(done.items[0]!.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
    expect(afterDeposit - account.balance).toBe(10000n);
    const original = await reaches(deposit.operationId, OperationStatus.OPERATION_STATUS_REVERTED);
    expect(original.statusReason).toBe(`reverted by operation ${reverting!.operationId}`);

    const late = await failure(revert('supervisor', deposit.operationId));
    expect(late.code).toBe(status.FAILED_PRECONDITION);
    expect(late.details).toContain('reverted already');
  });

  it('reports a record changed on the server since as DRIFTED instead of overwriting it, and allows another revert', async () => {
    const account = platform.simulator.state.accounts.get(500002n)!;
    const leverageBefore = account.leverage;
    const change = await submit('agent', 'account.set_leverage', [{ serverId: platform.serverId, accountSetLeverage: { login: '500002', leverage: 50 } }]);
    await approve('supervisor', change.operationId);
    await reaches(change.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(account.leverage).toBe(50);

    // Someone changes the account in the MT admin terminal meanwhile.
    account.leverage = 25;
    const { operation: reverting } = await revert('supervisor', change.operationId);
    await approve('supervisor2', reverting!.operationId);
    const failed = await reaches(reverting!.operationId, OperationStatus.OPERATION_STATUS_FAILED);
    expect(failed.items[0]!.status).toBe(ItemStatus.ITEM_STATUS_DRIFTED);
    expect(account.leverage).toBe(25);
    expect((await get(change.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);

    // That revert applied nothing, so a new one may be asked for once the account is back as the change left it.
    account.leverage = 50;
    const { operation: retried } = await revert('supervisor', change.operationId);
    await approve('supervisor2', retried!.operationId);
    await reaches(retried!.operationId, OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(account.leverage).toBe(leverageBefore);
    await reaches(change.operationId, OperationStatus.OPERATION_STATUS_REVERTED);
  });

  it('refuses to revert an operation that has not run, naming its status, and bad requests field by field', async () => {
    const waiting = await submit('agent', 'account.set_leverage', [{ serverId: platform.serverId, accountSetLeverage: { login: '500003', leverage: 100 } }]);
    const refused = await failure(revert('supervisor', waiting.operationId));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/this one is (SUBMITTED|PENDING_APPROVAL)/);

    const bad = await failure(unaryCall(intake, 'revertOperation', intakeV1.RevertOperationRequest.fromPartial({ operationId: 'nope', clientRequestId: '', reason: ' ' }), as('supervisor')));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('client_request_id');
    expect(bad.details).toContain('operation_id: must be a UUID');
    expect(bad.details).toContain('reason: say why');

    const unknown = await failure(revert('supervisor', randomUUID()));
    expect(unknown.code).toBe(status.NOT_FOUND);
  });
});
