import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, clientStreamCall, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const { OperationStatus } = operationV1;
const FINAL = [OperationStatus.OPERATION_STATUS_COMPLETED, OperationStatus.OPERATION_STATUS_FAILED, OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED];

/**
 * SubmitBatch through the real platform: a client stream of chunks, validated and stored chunk by chunk, a paged plan
 * that approval reassembles and verifies, execution across MT5 and MT4, and the roll-out options that stop a batch.
 */
describe('batches', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let token: string;

  beforeAll(async () => {
    platform = await startInProcessPlatform('batches', { generatedAccounts: 400 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    token = await userToken('agent');
  });

  afterEach(() => platform.simulator.resetFaults());

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
  });

  const deposit = (serverId: string, login: string, amount = '1.00'): operationV1.OperationItemSpec =>
    operationV1.OperationItemSpec.fromPartial({ serverId, balanceDeposit: { login, amount: { amount, currency: 'USD' }, comment: '' } });

  /** The items as a client would stream them: a header, then chunks of `chunk` items. */
  function* messages(clientRequestId: string, items: operationV1.OperationItemSpec[], options: Partial<intakeV1.BatchOptions> = {}, chunk = 400): Generator<intakeV1.SubmitBatchRequest> {
    yield intakeV1.SubmitBatchRequest.fromPartial({ header: { clientRequestId, operationType: 'balance.deposit', options } });
    for (let start = 0; start < items.length; start += chunk) yield intakeV1.SubmitBatchRequest.fromPartial({ items: { items: items.slice(start, start + chunk) } });
  }

  const submitBatch = (clientRequestId: string, items: operationV1.OperationItemSpec[], options: Partial<intakeV1.BatchOptions> = {}) =>
    clientStreamCall(intake, 'submitBatch', messages(clientRequestId, items, options), bearerMetadata(token));

  const finished = (operationId: string) =>
    eventually(async () => {
      const operation = (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId, itemPageSize: 1 }), bearerMetadata(token))).operation!;
      if (!FINAL.includes(operation.status)) throw new Error(`operation is ${OperationStatus[operation.status]}`);
      return operation;
    }, 120_000);

  // Generated USD accounts (the deposits are in USD; some generated accounts are in EUR groups).
  const mt5Logins = () =>
    [...platform.simulator.state.accounts.values()]
      .filter((account) => account.login >= 600001n && platform.simulator.state.groups.get(account.group)?.currency === 'USD')
      .map((account) => account.login)
      .slice(0, 300);
  const mt4Logins = () => [...platform.mt4.state.accounts.keys()].filter((login) => login >= 800001n).slice(0, 50);

  it('executes a 1,200-item batch across an MT5 and an MT4 server, each deposit once', async () => {
    expect(mt5Logins()).toHaveLength(300);
    const items = Array.from({ length: 1200 }, (_, i) =>
      i % 4 === 3 ? deposit(platform.mt4ServerId, String(mt4Logins()[i % 50])) : deposit(platform.serverId, String(mt5Logins()[i % 300])),
    );
    const dealsBefore = platform.simulator.state.deals.length + platform.mt4.state.deals.length;
    const reply = await submitBatch('batch-1200', items);
    expect(reply).toMatchObject({ submitted: true, replayed: false, acceptedItems: 1200, skippedItems: 0, errorCount: 0 });
    const operation = await finished(reply.operation!.operationId);
    expect(operation.status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(operation.counts).toMatchObject({ total: 1200, applied: 1200 });
    expect(platform.simulator.state.deals.length + platform.mt4.state.deals.length - dealsBefore).toBe(1200);

    const again = await submitBatch('batch-1200', items);
    expect(again).toMatchObject({ submitted: true, replayed: true, acceptedItems: 1200 });
    expect(again.operation!.operationId).toBe(operation.operationId);
    const changed = await submitBatch('batch-1200', items.slice(1)).catch((error: ServiceError) => error);
    expect((changed as ServiceError).code).toBe(status.ALREADY_EXISTS);
  });

  it('refuses a whole batch for one bad row, naming it, and stores nothing', async () => {
    const items = Array.from({ length: 900 }, (_, i) => deposit(platform.serverId, String(mt5Logins()[i % 300])));
    items[744] = deposit(platform.serverId, '599999');
    items[745] = deposit(platform.serverId, String(mt5Logins()[0]), '1.001');
    const dealsBefore = platform.simulator.state.deals.length;
    const reply = await submitBatch('batch-refused', items);
    expect(reply).toMatchObject({ submitted: false, errorCount: 2 });
    expect(reply.errors.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['items[744].balance_deposit.login:ACCOUNT_NOT_FOUND', 'items[745].balance_deposit.amount.amount:FORMAT']);
    // Nothing was stored: the same request id is still free.
    const retried = await submitBatch('batch-refused', items.slice(0, 10));
    expect(retried).toMatchObject({ submitted: true, replayed: false, acceptedItems: 10 });
    await finished(retried.operation!.operationId);
    expect(platform.simulator.state.deals.length - dealsBefore).toBe(10);
  });

  it('skips invalid rows when asked, executing the others', async () => {
    const items = Array.from({ length: 30 }, (_, i) => deposit(platform.serverId, String(mt5Logins()[i])));
    items[3] = deposit(platform.serverId, '599998');
    const reply = await submitBatch('batch-skip', items, { skipInvalid: true });
    expect(reply).toMatchObject({ submitted: true, acceptedItems: 29, skippedItems: 1, errorCount: 1 });
    const operation = await finished(reply.operation!.operationId);
    expect(operation.status).toBe(OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED);
    expect(operation.counts).toMatchObject({ total: 30, applied: 29, skipped: 1 });
  });

  it('stops sending after the first failed wave with stop_on_error, and reports why', async () => {
    platform.simulator.setFaults({ errorRate: 1, errorRetcode: MtRetcode.REQUEST_NO_MONEY, paths: ['/api/trade/balance'] });
    const items = Array.from({ length: 250 }, (_, i) => deposit(platform.serverId, String(mt5Logins()[i])));
    const reply = await submitBatch('batch-stop', items, { stopOnError: true });
    const operation = await finished(reply.operation!.operationId);
    expect(operation.status).toBe(OperationStatus.OPERATION_STATUS_FAILED);
    // One wave of 100 was sent and refused; the rest never left intake.
    expect(operation.counts).toMatchObject({ total: 250, rejected: 100, skipped: 150, applied: 0 });
    expect(operation.statusReason).toContain('stop_on_error');
  });

  it('runs a canary stage first and halts the rest when the canary fails', async () => {
    platform.simulator.setFaults({ errorRate: 1, errorRetcode: MtRetcode.REQUEST_NO_MONEY, paths: ['/api/trade/balance'] });
    const items = Array.from({ length: 60 }, (_, i) => (i < 50 ? deposit(platform.serverId, String(mt5Logins()[i])) : deposit(platform.mt4ServerId, String(mt4Logins()[i - 50]))));
    const mt4DealsBefore = platform.mt4.state.deals.length;
    const reply = await submitBatch('batch-canary', items, { canaryServerId: platform.serverId });
    const operation = await finished(reply.operation!.operationId);
    expect(operation.counts).toMatchObject({ total: 60, rejected: 50, skipped: 10 });
    expect(operation.statusReason).toContain('canary');
    expect(platform.mt4.state.deals.length).toBe(mt4DealsBefore);
  });

  it('applies a template: its fixed params fill the items, its limits refuse the items beyond them', async () => {
    const admin = await userToken('admin');
    await unaryCall(
      intake,
      'saveTemplate',
      intakeV1.SaveTemplateRequest.fromPartial({
        template: {
          name: 'welcome-bonus',
          operationType: 'balance.credit_in',
          description: 'Welcome bonus as credit',
          fixed: { balanceCreditIn: { comment: 'Welcome bonus' } },
          constraints: { maxAmountPerItem: { amount: '500.00', currency: 'USD' } },
        },
      }),
      bearerMetadata(admin),
    );
    const [first, second] = mt5Logins();
    const credit = (login: bigint | undefined, amount: string, comment = '') =>
      operationV1.OperationItemSpec.fromPartial({ serverId: platform.serverId, balanceCreditIn: { login: String(login), amount: { amount, currency: 'USD' }, comment } });
    // The dry run holds items to the template exactly as a submission will, and names the same fields.
    const preview = await unaryCall(
      intake,
      'validateOperation',
      intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'balance.credit_in', template: 'welcome-bonus', items: [credit(first, '600.00'), credit(second, '50.00', 'VIP bonus')] }),
      bearerMetadata(token),
    );
    expect(preview.valid).toBe(false);
    expect(preview.items.map((item) => item.errors.map((error) => [error.field, error.code]))).toEqual([
      [['items[0].balance_credit_in.amount.amount', 'TEMPLATE_LIMIT']],
      [['items[1].balance_credit_in.comment', expect.any(String)]],
    ]);
    const wrongType = await unaryCall(
      intake,
      'validateOperation',
      intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'balance.deposit', template: 'welcome-bonus', items: [deposit(platform.serverId, String(first))] }),
      bearerMetadata(token),
    ).catch((error: ServiceError) => error);
    expect(wrongType).toMatchObject({ valid: false, errors: expect.arrayContaining([expect.objectContaining({ field: 'template', code: 'TEMPLATE_TYPE' })]) });
    const refused = await unaryCall(
      intake,
      'submitOperation',
      intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: 'bonus-refused', operationType: 'balance.credit_in', template: 'welcome-bonus', items: [credit(first, '600.00'), credit(second, '50.00', 'VIP bonus')] }),
      bearerMetadata(token),
    ).catch((error: ServiceError) => error);
    expect((refused as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    expect((refused as ServiceError).details).toContain('TEMPLATE_LIMIT');
    expect((refused as ServiceError).details).toContain('items[1].balance_credit_in.comment');
    const accepted = await unaryCall(
      intake,
      'submitOperation',
      intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: 'bonus-ok', operationType: 'balance.credit_in', template: 'welcome-bonus@1', items: [credit(first, '100.00')] }),
      bearerMetadata(token),
    );
    expect(accepted.operation).toMatchObject({ template: 'welcome-bonus@1' });
    expect(accepted.operation!.items[0]!.spec?.balanceCreditIn?.comment).toBe('Welcome bonus');
  });
});
