import { operationV1 } from '@tradewarden/proto';
import { ALL_STATUSES } from './operation-status';
import { originalStatusAfterRevert, REVERT_OPERATION_TYPE, revertRefusal, revertStep, type AppliedItem } from './revert';

const deposit = operationV1.MtChange.toJSON({ balance: { login: '500001', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '100.00', currency: 'USD' } }) as object;
const withdrawal = operationV1.MtChange.toJSON({ balance: { login: '500001', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '-100.00', currency: 'USD' } }) as object;
const spec = operationV1.OperationItemSpec.toJSON(
  operationV1.OperationItemSpec.fromPartial({ serverId: 'mt5-demo-1', balanceDeposit: { login: '500001', amount: { amount: '100.00', currency: 'USD' }, comment: 'x' } }),
) as object;

const item = (overrides: Partial<AppliedItem> = {}): AppliedItem => ({
  rowNumber: 7,
  status: 'APPLIED',
  spec,
  change: deposit,
  revert: withdrawal,
  before: { login: '500001', currency: 'USD', balance: '1000.00' },
  after: { login: '500001', currency: 'USD', balance: '1100.00' },
  ...overrides,
});

describe('revertRefusal', () => {
  it.each(['COMPLETED', 'PARTIALLY_FAILED'] as const)('lets a %s operation be reverted', (status) => {
    expect(revertRefusal(status, 'balance.deposit')).toBeUndefined();
  });

  it('refuses every other status, naming it', () => {
    for (const status of ALL_STATUSES.filter((candidate) => candidate !== 'COMPLETED' && candidate !== 'PARTIALLY_FAILED')) {
      expect(revertRefusal(status, 'balance.deposit')).toEqual(expect.any(String));
    }
    expect(revertRefusal('EXECUTING', 'balance.deposit')).toContain('EXECUTING');
    expect(revertRefusal('REVERTED', 'balance.deposit')).toBe('the operation was reverted already');
  });

  it('refuses to revert a revert', () => {
    expect(revertRefusal('COMPLETED', REVERT_OPERATION_TYPE)).toContain('not reverted');
  });
});

describe('revertStep', () => {
  it('restores an applied item: the state it left is what must be found, the state before it is written back', () => {
    const step = revertStep(item());
    expect(step.kind).toBe('restore');
    if (step.kind !== 'restore') return;
    expect(step.item.rowNumber).toBe(7);
    expect(step.item.errors).toEqual([]);
    expect(step.item.spec.balanceDeposit?.login).toBe('500001');
    expect(step.item.planned).toEqual({
      before: { login: '500001', currency: 'USD', balance: '1100.00' },
      after: { login: '500001', currency: 'USD', balance: '1000.00' },
      change: operationV1.MtChange.fromJSON(withdrawal),
      revert: operationV1.MtChange.fromJSON(deposit),
      warnings: [],
    });
  });

  it('names an applied item that has no revert change as irreversible', () => {
    expect(revertStep(item({ revert: null }))).toEqual({ kind: 'irreversible', rowNumber: 7 });
  });

  it.each(['PENDING', 'FAILED', 'DRIFTED', 'REJECTED', 'SKIPPED'] as const)('leaves a %s item alone: nothing of it was applied', (status) => {
    expect(revertStep(item({ status }))).toEqual({ kind: 'untouched' });
  });
});

describe('originalStatusAfterRevert', () => {
  it('marks the original REVERTED only when every restoring item was applied', () => {
    expect(originalStatusAfterRevert('COMPLETED')).toBe('REVERTED');
    expect(originalStatusAfterRevert('PARTIALLY_FAILED')).toBeUndefined();
    expect(originalStatusAfterRevert('FAILED')).toBeUndefined();
  });
});
