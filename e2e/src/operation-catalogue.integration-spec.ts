import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { webApiPasswordHash } from '@tradewarden/mt5-webapi-protocol';
import { approvalV1, catalogueV1, gatewayV1, intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const { OperationStatus, ItemStatus } = operationV1;

/**
 * One operation per family of the catalogue through the whole platform: ValidateOperation, SubmitOperation by a user
 * with a real Keycloak token, approval by another person where the policy wants one, execution by the gateway on the
 * simulators, and the result read back from the simulated servers.
 */
describe('the operation catalogue end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;
  let gateway: GrpcClient<typeof gatewayV1.GatewayServiceService>;
  const tokens: Record<'agent' | 'supervisor' | 'supervisor2', string> = { agent: '', supervisor: '', supervisor2: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('catalogue', { generatedAccounts: 150 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    approval = createGrpcClient(approvalV1.ApprovalServiceService, platform.addresses.approval, 'ApprovalService');
    gateway = createGrpcClient(gatewayV1.GatewayServiceService, platform.addresses.gateway, 'GatewayService');
    for (const user of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[user] = await userToken(user);
  });

  afterAll(async () => {
    intake?.close();
    approval?.close();
    gateway?.close();
    await platform?.stop();
  });

  const as = (user: keyof typeof tokens) => bearerMetadata(tokens[user]);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: ServiceError) => error,
    );

  async function submit(user: keyof typeof tokens, operationType: string, items: operationV1.OperationItemSpec[]): Promise<intakeV1.Operation> {
    const reply = await unaryCall(intake, 'submitOperation', intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: randomUUID(), operationType, items }), as(user));
    return reply.operation!;
  }

  async function approve(user: keyof typeof tokens, operation: intakeV1.Operation): Promise<approvalV1.ApprovalRequest> {
    const pending = await eventually(async () => {
      const found = (await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as(user))).approvalRequest!;
      if (found.state !== approvalV1.ApprovalState.APPROVAL_STATE_PENDING) throw new Error(`approval request is ${found.state}`);
      return found;
    });
    return (await unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: pending.planDigest, comment: 'checked' }, as(user))).approvalRequest!;
  }

  async function finished(operation: intakeV1.Operation): Promise<intakeV1.Operation> {
    return eventually(async () => {
      const current = (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId: operation.operationId }), as('supervisor'))).operation!;
      if (![OperationStatus.OPERATION_STATUS_COMPLETED, OperationStatus.OPERATION_STATUS_FAILED, OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED].includes(current.status)) {
        throw new Error(`operation is ${OperationStatus[current.status]}`);
      }
      return current;
    }, 60_000);
  }

  const usd = (amount: string): commonV1.Money => ({ amount, currency: 'USD' });

  it('previews a batch without storing or sending anything: per-item diff, errors by field, totals', async () => {
    const dealsBefore = platform.simulator.state.deals.length;
    const preview = await unaryCall(
      intake,
      'validateOperation',
      {
        template: '',
        operationType: 'balance.withdrawal',
        items: [
          { serverId: platform.serverId, balanceWithdrawal: { login: '500002', amount: usd('100.00'), comment: '' } },
          { serverId: platform.serverId, balanceWithdrawal: { login: '500002', amount: usd('999999.00'), comment: '' } },
          { serverId: platform.serverId, balanceWithdrawal: { login: '599999', amount: usd('1.00'), comment: '' } },
          { serverId: platform.serverId, balanceWithdrawal: { login: '500003', amount: usd('1.005'), comment: '' } },
        ],
      },
      as('agent'),
    );
    expect(preview.valid).toBe(false);
    expect(preview.items[0]).toMatchObject({ errors: [], before: { balance: '2000.00' }, after: { balance: '1900.00' } });
    expect(preview.items[1]!.errors.map((issue) => `${issue.field}:${issue.code}`)).toEqual([
      'items[1].balance_withdrawal.amount.amount:INSUFFICIENT_BALANCE',
      'items[1].balance_withdrawal.amount.amount:INSUFFICIENT_FREE_MARGIN',
    ]);
    expect(preview.items[2]!.errors.map((issue) => issue.code)).toEqual(['ACCOUNT_NOT_FOUND']);
    expect(preview.items[3]!.errors.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['items[3].balance_withdrawal.amount.amount:FORMAT']);
    expect(preview.totals).toMatchObject({ items: 4, validItems: 1, accounts: 1, servers: 1, moneyOut: [usd('100.00')], moneyIn: [] });
    expect(platform.simulator.state.deals.length).toBe(dealsBefore);
  });

  it('refuses the whole submission when one item is invalid, naming it', async () => {
    const error = await failure(
      submit('agent', 'balance.credit_in', [
        { serverId: platform.serverId, balanceCreditIn: { login: '500004', amount: usd('10.00'), comment: '' } },
        { serverId: platform.serverId, balanceDeposit: { login: '500004', amount: usd('10.00'), comment: '' } },
      ]),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('items[1].balance_credit_in: balance.credit_in items carry balance_credit_in params, not balance_deposit');
  });

  it('balance: a withdrawal needs a supervisor, then leaves the account as previewed', async () => {
    const account = platform.simulator.state.accounts.get(500002n)!;
    const before = account.balance;
    const operation = await submit('agent', 'balance.withdrawal', [{ serverId: platform.serverId, balanceWithdrawal: { login: '500002', amount: usd('120.50'), comment: 'payout 1' } }]);
    expect(operation.items[0]!.after['balance']).toBe('1879.50');
    const decided = await approve('supervisor', operation);
    expect(decided).toMatchObject({ state: approvalV1.ApprovalState.APPROVAL_STATE_APPROVED, approvers: ['supervisor'] });
    const done = await finished(operation);
    expect(done.status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(account.balance).toBe(before - 12050n);
  });

  it('accounts: opens an account whose passwords only the submitter collects, once', async () => {
    const operation = await submit('agent', 'account.create', [
      {
        serverId: platform.serverId,
        accountCreate: { login: '', group: 'real\\retail\\usd', firstName: 'Noor', lastName: 'Haddad', email: 'noor.haddad@example.com', phone: '+971 4 555 0100', country: 'AE', city: 'Dubai', comment: 'crm lead 4411', leverage: 200 },
      },
    ]);
    await approve('supervisor', operation);
    const done = await finished(operation);
    const item = done.items[0]!;
    expect(item.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
    const login = item.mtReference;
    const account = platform.simulator.state.accounts.get(BigInt(login))!;
    expect(account).toMatchObject({ group: 'real\\retail\\usd', firstName: 'Noor', city: 'Dubai', leverage: 200, comment: 'crm lead 4411' });

    const notMine = await failure(unaryCall(gateway, 'claimCredentials', { operationId: done.operationId, itemId: item.itemId }, as('supervisor')));
    expect(notMine.code).toBe(status.PERMISSION_DENIED);
    const claimed = await unaryCall(gateway, 'claimCredentials', { operationId: done.operationId, itemId: item.itemId }, as('agent'));
    expect(claimed.login).toBe(login);
    expect(account.passwordHashes.main).toBe(webApiPasswordHash(claimed.mainPassword).toString('hex'));
    expect(account.passwordHashes.investor).toBe(webApiPasswordHash(claimed.investorPassword).toString('hex'));
    const again = await failure(unaryCall(gateway, 'claimCredentials', { operationId: done.operationId, itemId: item.itemId }, as('agent')));
    expect(again.code).toBe(status.FAILED_PRECONDITION);

    const reset = await submit('agent', 'account.reset_password', [
      { serverId: platform.serverId, accountResetPassword: { login, kind: catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR } },
    ]);
    await approve('supervisor', reset);
    const resetDone = await finished(reset);
    expect(resetDone.items[0]!.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
    const newPassword = await unaryCall(gateway, 'claimCredentials', { operationId: reset.operationId, itemId: resetDone.items[0]!.itemId }, as('agent'));
    expect(newPassword.mainPassword).toBe('');
    expect(account.passwordHashes.investor).toBe(webApiPasswordHash(newPassword.investorPassword).toString('hex'));
    expect(account.passwordHashes.main).toBe(webApiPasswordHash(claimed.mainPassword).toString('hex'));
  });

  it('accounts: leverage on MT4 through the bridge', async () => {
    const operation = await submit('agent', 'account.set_leverage', [{ serverId: platform.mt4ServerId, accountSetLeverage: { login: '700003', leverage: 50 } }]);
    await approve('supervisor', operation);
    expect((await finished(operation)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(platform.mt4.state.accounts.get(700003n)!.leverage).toBe(50);
  });

  it('groups: a supervisor submits, the same supervisor may not approve, a second one does', async () => {
    const operation = await submit('supervisor', 'group.set_symbols', [{ serverId: platform.serverId, groupSetSymbols: { group: 'real\\retail\\usd', add: ['Metals\\*'], remove: [] } }]);
    const digest = operation.planDigest;
    await eventually(async () => (await unaryCall(approval, 'getApprovalRequest', { operationId: operation.operationId }, as('supervisor'))).approvalRequest!);
    const own = await failure(unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: digest, comment: '' }, as('supervisor')));
    expect(own.code).toBe(status.PERMISSION_DENIED);
    expect(own.details).toContain('SELF_APPROVAL');
    const stale = await failure(unaryCall(approval, 'approve', { operationId: operation.operationId, planDigest: '0'.repeat(64), comment: '' }, as('supervisor2')));
    expect(stale.code).toBe(status.FAILED_PRECONDITION);
    await approve('supervisor2', operation);
    expect((await finished(operation)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(platform.simulator.state.groups.get('real\\retail\\usd')!.symbols!.map((entry) => entry.path)).toContain('Metals\\*');
  });

  it('symbols: a large swap change is flagged to the approver and applied once approved', async () => {
    const operation = await submit('supervisor', 'symbol.set_swaps', [{ serverId: platform.serverId, symbolSetSwaps: { symbol: 'GBPUSD', swapLong: '-9.5', tripleSwapDay: 5 } }]);
    expect(operation.items[0]!.warnings.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['items[0].symbol_set_swaps.swap_long:SWAP_DEVIATION']);
    await approve('supervisor2', operation);
    expect((await finished(operation)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(platform.simulator.state.symbols.get('GBPUSD')).toMatchObject({ swapLong: -9.5, swap3Day: 5 });
  });

  it('trade records: moves a stop loss, refusing one on the wrong side before anything is sent', async () => {
    const position = [...platform.simulator.state.positions.values()].find((candidate) => candidate.action === 0 && candidate.symbol === 'EURUSD')!;
    const login = position.login.toString();
    const ticket = position.position.toString();
    const bid = platform.simulator.state.symbols.get('EURUSD')!.bid;
    const wrongSide = await failure(submit('agent', 'position.modify_stops', [{ serverId: platform.serverId, positionModifyStops: { login, position: ticket, priceSl: (bid + 0.001).toFixed(5), throughDealer: false } }]));
    expect(wrongSide.details).toContain('STOPS_WRONG_SIDE');
    const stopLoss = (bid - 0.002).toFixed(5);
    const operation = await submit('agent', 'position.modify_stops', [{ serverId: platform.serverId, positionModifyStops: { login, position: ticket, priceSl: stopLoss, throughDealer: true } }]);
    await approve('supervisor', operation);
    expect((await finished(operation)).status).toBe(OperationStatus.OPERATION_STATUS_COMPLETED);
    expect(platform.simulator.state.positions.get(position.position)!.priceSL).toBe(Number(stopLoss));
  });

  it('trade records: moves the stops of pending orders on MT5 and MT4, refusing ones on the wrong side of the order price', async () => {
    // Buy limits and buy stops (even types) open a long position at their price: the stop loss belongs below it.
    const mt5Order = [...platform.simulator.state.orders.values()].find((candidate) => candidate.type % 2 === 0);
    const mt4Order = [...platform.mt4.state.orders.values()].find((candidate) => candidate.type % 2 === 0);
    if (!mt5Order || !mt4Order) throw new Error('the seeded data has no pending buy order to test with on MT5 and MT4');
    const digitsOf = (symbol: string, state = platform.simulator.state) => state.symbols.get(symbol)!.digits;
    const item = (serverId: string, order: { login: bigint; order: bigint }, priceSl: string): operationV1.OperationItemSpec =>
      operationV1.OperationItemSpec.fromPartial({ serverId, orderModifyStops: { login: order.login.toString(), order: order.order.toString(), priceSl } });
    const mt5StopLoss = (mt5Order.priceOrder * 0.99).toFixed(digitsOf(mt5Order.symbol));
    const mt4StopLoss = (mt4Order.priceOrder * 0.99).toFixed(digitsOf(mt4Order.symbol, platform.mt4.state));

    const preview = await unaryCall(
      intake,
      'validateOperation',
      intakeV1.ValidateOperationRequest.fromPartial({
        operationType: 'order.modify_stops',
        items: [item(platform.serverId, mt5Order, (mt5Order.priceOrder * 1.01).toFixed(digitsOf(mt5Order.symbol))), item(platform.serverId, mt5Order, mt5StopLoss)],
      }),
      as('agent'),
    );
    expect(preview.items[0]!.errors.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['items[0].order_modify_stops.price_sl:STOPS_WRONG_SIDE']);
    expect(preview.items[1]).toMatchObject({
      errors: [],
      before: { order: mt5Order.order.toString(), price_order: String(mt5Order.priceOrder), price_sl: String(mt5Order.priceSL) },
      after: { order: mt5Order.order.toString(), price_order: String(mt5Order.priceOrder), price_sl: String(Number(mt5StopLoss)) },
    });

    const operation = await submit('agent', 'order.modify_stops', [item(platform.serverId, mt5Order, mt5StopLoss), item(platform.mt4ServerId, mt4Order, mt4StopLoss)]);
    expect(operation.items.map((planned) => planned.after['price_sl'])).toEqual([String(Number(mt5StopLoss)), String(Number(mt4StopLoss))]);
    await approve('supervisor', operation);
    const done = await finished(operation);
    expect([done.status, ...done.items.map((executed) => executed.status)]).toEqual([OperationStatus.OPERATION_STATUS_COMPLETED, ItemStatus.ITEM_STATUS_APPLIED, ItemStatus.ITEM_STATUS_APPLIED]);
    expect(platform.simulator.state.orders.get(mt5Order.order)!.priceSL).toBe(Number(mt5StopLoss));
    expect(platform.mt4.state.orders.get(mt4Order.order)!.priceSL).toBe(Number(mt4StopLoss));
  });

  it('does not let an agent submit configuration changes', async () => {
    const denied = await failure(submit('agent', 'symbol.set_spread', [{ serverId: platform.serverId, symbolSetSpread: { symbol: 'EURUSD', spread: 5 } }]));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
  });
});
