import { operationV1 } from '@tradewarden/proto';
import { PlanDigestBuilder, planDigest } from './plan-digest';

const item = (amount: string): operationV1.ItemPlan =>
  operationV1.ItemPlan.fromPartial({
    itemId: '6f1d0d3e-7c1a-4b0e-9c55-2f4f8b1e9a10',
    rowNumber: 1,
    spec: { serverId: 'mt5-demo-1', balanceDeposit: { login: '500001', amount: { amount, currency: 'USD' }, comment: '' } },
    before: { balance: '100.00', group: 'real\\retail\\usd' },
    after: { balance: '150.00', group: 'real\\retail\\usd' },
  });

describe('planDigest', () => {
  it('is stable for the same plan', () => {
    expect(planDigest({ operationType: 'balance.deposit', items: [item('50.00')] })).toBe(
      planDigest({ operationType: 'balance.deposit', items: [item('50.00')] }),
    );
  });

  it('does not depend on map key order', () => {
    const reordered = { ...item('50.00'), before: { group: 'real\\retail\\usd', balance: '100.00' } };
    expect(planDigest({ operationType: 'balance.deposit', items: [reordered] })).toBe(planDigest({ operationType: 'balance.deposit', items: [item('50.00')] }));
  });

  it('changes when any amount changes', () => {
    expect(planDigest({ operationType: 'balance.deposit', items: [item('50.01')] })).not.toBe(planDigest({ operationType: 'balance.deposit', items: [item('50.00')] }));
  });

  it('is a hex SHA-256', () => {
    expect(planDigest({ operationType: 'balance.deposit', items: [] })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('binds the order of the items and the execution options', () => {
    const plan = { operationType: 'balance.deposit', items: [item('1.00'), item('2.00')] };
    expect(planDigest(plan)).not.toBe(planDigest({ ...plan, items: [item('2.00'), item('1.00')] }));
    expect(planDigest(plan)).not.toBe(planDigest({ ...plan, executionOptions: '{"stopOnError":true}' }));
  });

  it('is the same built item by item as over the whole plan', () => {
    const items = Array.from({ length: 50 }, (_, i) => item(`${i + 1}.00`));
    const builder = new PlanDigestBuilder('balance.deposit');
    for (const each of items) builder.add(each);
    expect(builder.digest()).toBe(planDigest({ operationType: 'balance.deposit', items }));
    expect(() => builder.add(items[0]!)).toThrow('already finished');
  });
});

