import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, serverStreamCall, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const { OperationStatus, ItemStatus } = operationV1;
type User = 'agent' | 'agent2' | 'supervisor' | 'supervisor2' | 'compliance';

/**
 * Reading and steering operations through the real platform: ListOperations with each filter and its cursor,
 * view permissions, WatchOperation following an operation to its end, CancelOperation before execution (and approval
 * refusing to approve what was cancelled), and the per-row report.
 */
describe('operation queries end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  const tokens: Record<User, string> = { agent: '', agent2: '', supervisor: '', supervisor2: '', compliance: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('queries', { generatedAccounts: 20 });
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
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: ServiceError) => error,
    );

  async function submit(user: User, operationType: string, items: Partial<operationV1.OperationItemSpec>[]): Promise<intakeV1.Operation> {
    const request = intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: randomUUID(), operationType, items });
    return (await unaryCall(intake, 'submitOperation', request, as(user), 60_000)).operation!;
  }

  const deposit = (login: string, amount: string, serverId = platform.serverId) => ({ serverId, balanceDeposit: { login, amount: usd(amount), comment: 'queries e2e' } });
  const withdrawal = (login: string, amount: string) => ({ serverId: platform.serverId, balanceWithdrawal: { login, amount: usd(amount), comment: 'queries e2e' } });

  async function pendingApproval(operationId: string): Promise<approvalV1.ApprovalRequest> {
    return eventually(async () => {
      const found = (await unaryCall(approval, 'getApprovalRequest', { operationId }, as('supervisor'))).approvalRequest!;
      if (found.state !== approvalV1.ApprovalState.APPROVAL_STATE_PENDING) throw new Error(`approval request is ${approvalV1.ApprovalState[found.state]}`);
      return found;
    });
  }

  async function approve(user: User, operationId: string): Promise<approvalV1.ApprovalRequest> {
    const pending = await pendingApproval(operationId);
    return (await unaryCall(approval, 'approve', { operationId, planDigest: pending.planDigest, comment: 'checked' }, as(user))).approvalRequest!;
  }

  async function get(operationId: string, user: User = 'supervisor'): Promise<intakeV1.Operation> {
    return (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), as(user))).operation!;
  }

  async function ended(operationId: string): Promise<intakeV1.Operation> {
    const final = [OperationStatus.OPERATION_STATUS_COMPLETED, OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED, OperationStatus.OPERATION_STATUS_FAILED];
    return eventually(
      async () => {
        const current = await get(operationId);
        if (!final.includes(current.status)) throw new Error(`operation is ${OperationStatus[current.status]}`);
        return current;
      },
      60_000,
    );
  }

  const list = (user: User, request: Partial<intakeV1.ListOperationsRequest>) => unaryCall(intake, 'listOperations', intakeV1.ListOperationsRequest.fromPartial(request), as(user));

  async function listAll(user: User, request: Partial<intakeV1.ListOperationsRequest>): Promise<{ pages: intakeV1.Operation[][]; tokens: string[] }> {
    const pages: intakeV1.Operation[][] = [];
    const tokens: string[] = [];
    let pageToken = '';
    do {
      const page = await list(user, { ...request, pageToken });
      pages.push(page.operations);
      tokens.push(page.nextPageToken);
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 20);
    return { pages, tokens };
  }

  async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
    const messages: T[] = [];
    for await (const message of stream) messages.push(message);
    return messages;
  }

  const ids = (operations: readonly intakeV1.Operation[]) => operations.map((operation) => operation.operationId);
  const watch = (operationId: string, user: User) => serverStreamCall(intake, 'watchOperation', intakeV1.WatchOperationRequest.fromPartial({ operationId }), as(user), 90_000);
  const report = (operationId: string, user: User, onlyUnsuccessful = false) =>
    collect(serverStreamCall(intake, 'getOperationReport', intakeV1.GetOperationReportRequest.fromPartial({ operationId, onlyUnsuccessful }), as(user), 60_000));

  describe('ListOperations', () => {
    let since: Date;
    let deposits: intakeV1.Operation[];
    let mt4Deposit: intakeV1.Operation;
    let withdrawalPending: intakeV1.Operation;
    let symbolChange: intakeV1.Operation;
    // Taken on this machine's clock, which the database shares: the moment before each deposit was submitted.
    const submittedFrom: Date[] = [];

    beforeAll(async () => {
      since = new Date(Date.now() - 1);
      deposits = [];
      // Small deposits are approved by policy, so these run to COMPLETED on their own; one after the other, so each is
      // newer than the one before.
      for (let i = 0; i < 7; i += 1) {
        submittedFrom.push(new Date());
        deposits.push(await submit('agent', 'balance.deposit', [deposit('500001', `${i + 1}.00`)]));
      }
      mt4Deposit = await submit('agent2', 'balance.deposit', [deposit('700001', '5.00', platform.mt4ServerId)]);
      withdrawalPending = await submit('agent', 'balance.withdrawal', [withdrawal('500004', '10.00')]);
      symbolChange = await submit('supervisor', 'symbol.set_spread', [{ serverId: platform.serverId, symbolSetSpread: { symbol: 'USDJPY', spread: 16 } }]);
      for (const operation of [...deposits, mt4Deposit]) await ended(operation.operationId);
    });

    it('pages newest first across pages with an opaque cursor, and counts every listed operation without its items', async () => {
      const { pages, tokens: pageTokens } = await listAll('agent', { operationType: 'balance.deposit', submittedBy: 'agent', submittedAfter: since, pageSize: 3 });
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pageTokens[0]).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(pageTokens.at(-1)).toBe('');
      const listed = pages.flat();
      expect(ids(listed)).toEqual(ids(deposits).reverse());
      for (const operation of listed) {
        expect(operation.items).toEqual([]);
        expect(operation.status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
        expect(operation.counts).toEqual({ total: 1, pending: 0, applied: 1, failed: 0, drifted: 0, rejected: 0, skipped: 0 });
        expect(operation.submittedBy).toBe('agent');
      }
    });

    it('filters by state', async () => {
      const pending = await list('supervisor', { statuses: [OperationStatus.OPERATION_STATUS_SUBMITTED, OperationStatus.OPERATION_STATUS_PENDING_APPROVAL], submittedAfter: since });
      expect(ids(pending.operations)).toEqual([symbolChange.operationId, withdrawalPending.operationId]);
      const completed = await list('supervisor', { statuses: [OperationStatus.OPERATION_STATUS_COMPLETED], submittedAfter: since });
      expect(ids(completed.operations)).toEqual(ids([...deposits, mt4Deposit]).reverse());
    });

    it('filters by operation type, server, submitter and time window', async () => {
      const withdrawals = await list('agent', { operationType: 'balance.withdrawal', submittedAfter: since });
      expect(ids(withdrawals.operations)).toEqual([withdrawalPending.operationId]);
      const onMt4 = await list('supervisor', { serverId: platform.mt4ServerId, submittedAfter: since });
      expect(ids(onMt4.operations)).toEqual([mt4Deposit.operationId]);
      const byAgent2 = await list('supervisor', { submittedBy: 'agent2', submittedAfter: since });
      expect(ids(byAgent2.operations)).toEqual([mt4Deposit.operationId]);
      const window = await list('supervisor', { submittedAfter: submittedFrom[2], submittedBefore: submittedFrom[5] });
      expect(ids(window.operations)).toEqual(ids(deposits.slice(2, 5)).reverse());
    });

    it('refuses a page size out of range and a page token it did not issue, naming the field', async () => {
      const tooLarge = await failure(list('agent', { pageSize: 501 }));
      expect(tooLarge.code).toBe(status.INVALID_ARGUMENT);
      expect(tooLarge.details).toContain('page_size');
      const forged = await failure(list('agent', { pageToken: 'not-a-cursor' }));
      expect(forged.code).toBe(status.INVALID_ARGUMENT);
      expect(forged.details).toContain('page_token');
    });

    it('lists only what the caller may view: an agent never sees symbol changes, compliance sees everything', async () => {
      const agentView = await listAll('agent', { submittedAfter: since, pageSize: 2 });
      const agentIds = ids(agentView.pages.flat());
      expect(agentIds).not.toContain(symbolChange.operationId);
      expect(agentIds).toEqual(ids([...deposits, mt4Deposit, withdrawalPending]).reverse());
      // Hidden operations are left out by the query, so the first page is still full.
      expect(agentView.pages[0]).toHaveLength(2);

      const denied = await failure(list('agent', { operationType: 'symbol.set_spread' }));
      expect(denied.code).toBe(status.PERMISSION_DENIED);

      const complianceView = await list('compliance', { submittedAfter: since, pageSize: 500 });
      expect(ids(complianceView.operations)).toEqual(ids([...deposits, mt4Deposit, withdrawalPending, symbolChange]).reverse());
    });

    it('refuses watching or reporting an operation the caller may not view', async () => {
      const watchDenied = await failure(collect(watch(symbolChange.operationId, 'agent')));
      expect(watchDenied.code).toBe(status.PERMISSION_DENIED);
      const reportDenied = await failure(report(symbolChange.operationId, 'agent'));
      expect(reportDenied.code).toBe(status.PERMISSION_DENIED);
    });

    it('refuses to cancel a completed operation', async () => {
      const refused = await failure(unaryCall(intake, 'cancelOperation', intakeV1.CancelOperationRequest.fromPartial({ operationId: deposits[0]!.operationId, reason: 'too late' }), as('agent')));
      expect(refused.code).toBe(status.FAILED_PRECONDITION);
      expect((await get(deposits[0]!.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    });
  });

  describe('WatchOperation', () => {
    it('follows a withdrawal from submission through approval to COMPLETED, then ends', async () => {
      const operation = await submit('agent', 'balance.withdrawal', [withdrawal('500003', '12.00')]);
      const stream = watch(operation.operationId, 'agent');
      const first = (await stream.next()).value as intakeV1.WatchOperationResponse;
      expect(first.operation).toMatchObject({ operationId: operation.operationId, items: [] });
      // The approval service's request for approvals may already have moved it on by the time the watch starts.
      expect([OperationStatus.OPERATION_STATUS_SUBMITTED, OperationStatus.OPERATION_STATUS_PENDING_APPROVAL]).toContain(first.operation!.status);
      expect(first.operation!.counts).toMatchObject({ total: 1, pending: 1 });
      const waiting = await eventually(async () => {
        const current = await get(operation.operationId, 'agent');
        if (current.status !== OperationStatus.OPERATION_STATUS_PENDING_APPROVAL) throw new Error(`operation is ${OperationStatus[current.status]}`);
        return current;
      });
      expect(waiting.statusReason).toBe('policy single-approval-balance asks for 1 approval');
      await approve('supervisor', operation.operationId);
      const rest = await collect(stream);
      const last = rest.at(-1)!.operation!;
      expect(last.status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
      expect(last.counts).toMatchObject({ total: 1, pending: 0, applied: 1 });
      // Every message says something new, in lifecycle order.
      const statuses = [first, ...rest].map((message) => message.operation!.status);
      expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
      const states = [first, ...rest].map((message) => JSON.stringify([message.operation!.status, message.operation!.counts]));
      expect(new Set(states).size).toBe(states.length);
    });

    it('follows a deposit approved by policy to COMPLETED and ends', async () => {
      const operation = await submit('agent', 'balance.deposit', [deposit('500002', '3.00')]);
      const messages = await collect(watch(operation.operationId, 'agent'));
      expect(messages.at(-1)!.operation).toMatchObject({ status: OperationStatus.OPERATION_STATUS_COMPLETED, counts: expect.objectContaining({ applied: 1, pending: 0 }) });
    });

    it('answers once for an operation that already ended', async () => {
      const operation = await submit('agent', 'balance.deposit', [deposit('500002', '4.00')]);
      await ended(operation.operationId);
      const messages = await collect(watch(operation.operationId, 'compliance'));
      expect(messages.map((message) => message.operation!.status)).toEqual([OperationStatus.OPERATION_STATUS_COMPLETED]);
    });

    it('refuses an unknown operation', async () => {
      const missing = await failure(collect(watch(randomUUID(), 'agent')));
      expect(missing.code).toBe(status.NOT_FOUND);
    });
  });

  describe('CancelOperation', () => {
    const cancel = (user: User, operationId: string, reason: string) =>
      unaryCall(intake, 'cancelOperation', intakeV1.CancelOperationRequest.fromPartial({ operationId, reason }), as(user));

    it('lets the submitter cancel a withdrawal waiting for approval; approval then refuses it and nothing reaches the server', async () => {
      const account = platform.simulator.state.accounts.get(500005n)!;
      const balanceBefore = account.balance;
      const dealsBefore = platform.simulator.state.deals.length;
      const operation = await submit('agent', 'balance.withdrawal', [withdrawal('500005', '25.00'), withdrawal('500005', '5.00')]);
      await pendingApproval(operation.operationId);

      const notAllowed = await failure(cancel('compliance', operation.operationId, 'not mine to cancel'));
      expect(notAllowed.code).toBe(status.PERMISSION_DENIED);
      const noReason = await failure(cancel('agent', operation.operationId, '  '));
      expect(noReason.code).toBe(status.INVALID_ARGUMENT);
      expect(noReason.details).toContain('reason');

      const cancelled = (await cancel('agent', operation.operationId, 'customer withdrew the request')).operation!;
      expect(cancelled).toMatchObject({
        status: OperationStatus.OPERATION_STATUS_CANCELLED,
        statusReason: 'customer withdrew the request',
        counts: { total: 2, pending: 0, applied: 0, failed: 0, drifted: 0, rejected: 0, skipped: 2 },
      });
      const stored = await get(operation.operationId, 'agent');
      expect(stored.items.map((item) => [item.status, item.errorCode])).toEqual([
        [ItemStatus.ITEM_STATUS_SKIPPED, 'CANCELLED'],
        [ItemStatus.ITEM_STATUS_SKIPPED, 'CANCELLED'],
      ]);

      await eventually(async () => {
        const request = (await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as('supervisor'))).approvalRequest!;
        expect(request.state).toBe(approvalV1.ApprovalState.APPROVAL_STATE_CANCELLED);
      });
      const approveLate = await failure(unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: operation.planDigest, comment: 'ok' }, as('supervisor')));
      expect(approveLate.code).toBe(status.FAILED_PRECONDITION);

      const again = await failure(cancel('agent', operation.operationId, 'twice'));
      expect(again.code).toBe(status.FAILED_PRECONDITION);
      // Long enough for a wrongly sent execution to have reached the simulator.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(account.balance).toBe(balanceBefore);
      expect(platform.simulator.state.deals.length).toBe(dealsBefore);
      expect((await get(operation.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_CANCELLED);
    });

    it("lets someone with the cancel permission cancel another person's operation", async () => {
      const operation = await submit('agent', 'balance.withdrawal', [withdrawal('500004', '7.00')]);
      const cancelled = (await cancel('supervisor', operation.operationId, 'duplicate of a CRM ticket')).operation!;
      expect(cancelled.status).toBe(OperationStatus.OPERATION_STATUS_CANCELLED);
    });
  });

  describe('GetOperationReport', () => {
    it('streams every row in order, 500 a message, and only the unsuccessful ones when asked', async () => {
      // Large enough to need approval, and to need two report messages; cancelled, so every row ends SKIPPED.
      const operation = await submit(
        'agent',
        'balance.deposit',
        Array.from({ length: 510 }, (_, i) => deposit(String(500001 + (i % 5)), '100.00')),
      );
      await pendingApproval(operation.operationId);
      await unaryCall(intake, 'cancelOperation', intakeV1.CancelOperationRequest.fromPartial({ operationId: operation.operationId, reason: 'split into smaller batches' }), as('agent'));
      const messages = await report(operation.operationId, 'agent');
      expect(messages.map((message) => message.rows.length)).toEqual([500, 10]);
      const rows = messages.flatMap((message) => message.rows);
      expect(rows.map((row) => row.rowNumber)).toEqual(Array.from({ length: 510 }, (_, i) => i + 1));
      expect(rows[42]).toMatchObject({ status: ItemStatus.ITEM_STATUS_SKIPPED, errorCode: 'CANCELLED', spec: { balanceDeposit: { login: '500003' } } });
      const unsuccessful = (await report(operation.operationId, 'agent', true)).flatMap((message) => message.rows);
      expect(unsuccessful).toHaveLength(510);
    });

    it('reports applied rows with their MT reference, and a partly failed operation only by its failed rows', async () => {
      const applied = await submit('agent', 'balance.deposit', [deposit('500001', '1.50'), deposit('500002', '2.50'), deposit('500003', '3.50')]);
      await ended(applied.operationId);
      const rows = (await report(applied.operationId, 'compliance')).flatMap((message) => message.rows);
      expect(rows.map((row) => [row.rowNumber, row.status])).toEqual([
        [1, ItemStatus.ITEM_STATUS_APPLIED],
        [2, ItemStatus.ITEM_STATUS_APPLIED],
        [3, ItemStatus.ITEM_STATUS_APPLIED],
      ]);
      expect(rows.every((row) => row.mtReference !== '')).toBe(true);
      expect(await report(applied.operationId, 'compliance', true)).toEqual([]);

      // The second account is emptied after approval was asked for: its withdrawal cannot be applied.
      const mixed = await submit('agent', 'balance.withdrawal', [withdrawal('500002', '1.00'), withdrawal('500003', '50.00')]);
      await pendingApproval(mixed.operationId);
      platform.simulator.state.accounts.get(500003n)!.balance = 0n;
      await approve('supervisor', mixed.operationId);
      expect((await ended(mixed.operationId)).status).toBe(OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED);
      const failedRows = (await report(mixed.operationId, 'agent', true)).flatMap((message) => message.rows);
      expect(failedRows.map((row) => row.rowNumber)).toEqual([2]);
      expect([ItemStatus.ITEM_STATUS_FAILED, ItemStatus.ITEM_STATUS_DRIFTED, ItemStatus.ITEM_STATUS_REJECTED]).toContain(failedRows[0]!.status);
      expect(failedRows[0]!.errorCode).not.toBe('');
    });
  });
});
