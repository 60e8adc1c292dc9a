import { operationV1 } from '@tradewarden/proto';
import { validateDepositRequest } from './deposit-validation';

const item = (overrides: { serverId?: string; login?: string; amount?: string; currency?: string; comment?: string } = {}) =>
  operationV1.OperationItemSpec.fromPartial({
    serverId: overrides.serverId ?? 'mt5-demo-1',
    balanceDeposit: {
      login: overrides.login ?? '500001',
      amount: { amount: overrides.amount ?? '100.00', currency: overrides.currency ?? 'USD' },
      comment: overrides.comment ?? '',
    },
  });

const request = (items = [item()], clientRequestId = 'crm-42') => ({ clientRequestId, operationType: 'balance.deposit', items });

describe('validateDepositRequest', () => {
  it('accepts a well-formed deposit', () => {
    expect(validateDepositRequest(request())).toEqual([]);
  });

  it('requires a client request id', () => {
    expect(validateDepositRequest(request([item()], ''))).toEqual([expect.objectContaining({ field: 'client_request_id' })]);
  });

  it('refuses unsupported operation types', () => {
    expect(validateDepositRequest({ ...request(), operationType: 'group.update' })).toEqual([expect.objectContaining({ field: 'operation_type', code: 'UNSUPPORTED' })]);
  });

  it('requires items', () => {
    expect(validateDepositRequest(request([]))).toEqual([expect.objectContaining({ field: 'items', code: 'REQUIRED' })]);
  });

  it.each([
    [{ serverId: 'MT5 Demo' }, 'items[0].server_id', 'FORMAT'],
    [{ login: '0123' }, 'items[0].balance_deposit.login', 'FORMAT'],
    [{ login: 'abc' }, 'items[0].balance_deposit.login', 'FORMAT'],
    [{ amount: '0' }, 'items[0].balance_deposit.amount.amount', 'RANGE'],
    [{ amount: '-5.00' }, 'items[0].balance_deposit.amount.amount', 'RANGE'],
    [{ amount: '10000000.01' }, 'items[0].balance_deposit.amount.amount', 'RANGE'],
    [{ amount: '1.005' }, 'items[0].balance_deposit.amount.amount', 'FORMAT'],
    [{ amount: '1e3' }, 'items[0].balance_deposit.amount.amount', 'FORMAT'],
    [{ amount: '100.5', currency: 'JPY' }, 'items[0].balance_deposit.amount.amount', 'FORMAT'],
    [{ currency: 'XXX' }, 'items[0].balance_deposit.amount.currency', 'UNSUPPORTED'],
    [{ comment: 'x'.repeat(65) }, 'items[0].balance_deposit.comment', 'TOO_LONG'],
  ])('%p fails on %s (%s)', (overrides, field, code) => {
    expect(validateDepositRequest(request([item(overrides)]))).toEqual([expect.objectContaining({ field, code })]);
  });

  it('names the row of each bad item', () => {
    const errors = validateDepositRequest(request([item(), item({ login: 'x' }), item({ amount: '-1' })]));
    expect(errors.map((error) => error.field)).toEqual(['items[1].balance_deposit.login', 'items[2].balance_deposit.amount.amount']);
  });

  it('requires deposit params', () => {
    const bare = operationV1.OperationItemSpec.fromPartial({ serverId: 'mt5-demo-1' });
    expect(validateDepositRequest(request([bare]))).toEqual([expect.objectContaining({ field: 'items[0].balance_deposit', code: 'REQUIRED' })]);
  });
});
