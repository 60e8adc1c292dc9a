import { operationV1 } from '@tradewarden/proto';
import { liveView, SETTINGS } from '../live-view-fixture';
import type { PlanOutcome } from '../operation-type';
import { balanceCreditIn } from './balance-credit-in';
import { balanceCreditOut } from './balance-credit-out';
import { balanceDeposit } from './balance-deposit';
import { balanceWithdrawal } from './balance-withdrawal';

const params = (amount: string, currency = 'USD', login = '500001') => ({ login, amount: { amount, currency }, comment: '' });
const planned = (outcome: PlanOutcome) => {
  if ('errors' in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome.planned;
};
const codes = (outcome: PlanOutcome) => ('errors' in outcome ? outcome.errors.map((issue) => `${issue.field}:${issue.code}`) : []);

describe('balance movements: static rules', () => {
  it.each([
    [params('0'), 'at.amount.amount:RANGE'],
    [params('-5'), 'at.amount.amount:RANGE'],
    [params('1.234'), 'at.amount.amount:FORMAT'],
    [params('1e3'), 'at.amount.amount:FORMAT'],
    [params('10000000.01'), 'at.amount.amount:RANGE'],
    [params('5', 'XYZ'), 'at.amount.currency:UNSUPPORTED'],
    [params('5', 'USD', '0123'), 'at.login:FORMAT'],
    [{ ...params('5'), comment: 'x'.repeat(65) }, 'at.comment:TOO_LONG'],
    [{ login: '500001', amount: undefined, comment: '' }, 'at.amount:REQUIRED'],
  ])('%j -> %s', (given, expected) => {
    expect(balanceDeposit.validate(given, 'at').map((issue) => `${issue.field}:${issue.code}`)).toEqual([expected]);
  });

  it('accepts a well-formed movement in a currency without decimals', () => {
    expect(balanceDeposit.validate(params('1500', 'JPY'), 'at')).toEqual([]);
  });
});

describe('balance.deposit', () => {
  it('previews the balance after, books a positive balance deal and reverts with the opposite one', () => {
    const plan = planned(balanceDeposit.plan(params('250.50'), liveView(), 'at', SETTINGS));
    expect(plan.before).toEqual({ login: '500001', group: 'real\\retail\\usd', currency: 'USD', balance: '1000.00', credit: '50.00' });
    expect(plan.after).toMatchObject({ balance: '1250.50', credit: '50.00' });
    expect(plan.change.balance).toEqual({ login: '500001', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '250.50', currency: 'USD' });
    expect(plan.revert?.balance?.amount).toBe('-250.50');
  });

  it('refuses an unknown account and a currency the account does not hold', () => {
    expect(codes(balanceDeposit.plan(params('5', 'USD', '599999'), liveView(), 'at', SETTINGS))).toEqual(['at.login:ACCOUNT_NOT_FOUND']);
    expect(codes(balanceDeposit.plan(params('5', 'EUR'), liveView(), 'at', SETTINGS))).toEqual(['at.amount.currency:CURRENCY_MISMATCH']);
  });

  it('counts as money in', () => {
    expect(balanceDeposit.moneyMoved?.(params('5'))).toEqual({ direction: 'in', money: { amount: '5', currency: 'USD' } });
  });
});

describe('balance.withdrawal', () => {
  it('books a negative balance deal', () => {
    const plan = planned(balanceWithdrawal.plan(params('300'), liveView(), 'at', SETTINGS));
    expect(plan.change.balance?.amount).toBe('-300.00');
    expect(plan.after['balance']).toBe('700.00');
    expect(balanceWithdrawal.moneyMoved?.(params('300'))?.direction).toBe('out');
  });

  it('refuses more than the free margin, and more than the balance', () => {
    expect(codes(balanceWithdrawal.plan(params('800.01'), liveView(), 'at', SETTINGS))).toEqual(['at.amount.amount:INSUFFICIENT_FREE_MARGIN']);
    expect(codes(balanceWithdrawal.plan(params('1000.01'), liveView(), 'at', SETTINGS))).toEqual(['at.amount.amount:INSUFFICIENT_BALANCE', 'at.amount.amount:INSUFFICIENT_FREE_MARGIN']);
  });

  it('without a free-margin figure (MT4 reports none) checks the balance only, never taking the figure for zero', () => {
    expect(codes(balanceWithdrawal.plan(params('900'), liveView({ platform: 'mt4', marginRead: false }), 'at', SETTINGS))).toEqual([]);
    expect(codes(balanceWithdrawal.plan(params('1000.01'), liveView({ platform: 'mt4', marginRead: false }), 'at', SETTINGS))).toEqual(['at.amount.amount:INSUFFICIENT_BALANCE']);
  });
});

describe('which balance movements read free margin', () => {
  // On MT5 free margin is a trade-state request per account: only the withdrawal, whose rule uses it, asks for it.
  it.each([
    { type: balanceDeposit, kind: 'account' },
    { type: balanceWithdrawal, kind: 'account-with-margin' },
    { type: balanceCreditIn, kind: 'account' },
    { type: balanceCreditOut, kind: 'account' },
  ])('$type.name reads its account as $kind', ({ type, kind }) => {
    expect(type.targets(params('5'))).toEqual([{ kind, login: '500001' }]);
  });
});

describe('balance.credit_in and balance.credit_out', () => {
  it('move the credit, not the balance', () => {
    const plan = planned(balanceCreditIn.plan(params('25'), liveView(), 'at', SETTINGS));
    expect(plan.change.balance).toMatchObject({ dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_CREDIT, amount: '25.00' });
    expect(plan.after).toMatchObject({ balance: '1000.00', credit: '75.00' });
    expect(planned(balanceCreditOut.plan(params('50'), liveView(), 'at', SETTINGS)).after['credit']).toBe('0.00');
  });

  it('refuses taking back more credit than was granted', () => {
    expect(codes(balanceCreditOut.plan(params('50.01'), liveView(), 'at', SETTINGS))).toEqual(['at.amount.amount:INSUFFICIENT_CREDIT']);
  });
});
