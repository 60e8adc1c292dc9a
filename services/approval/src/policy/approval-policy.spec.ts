import { operationV1 } from '@tradewarden/proto';
import { choosePolicy, totalsPerCurrency, type ApprovalPolicy } from './approval-policy';

const policies: ApprovalPolicy[] = [
  { name: 'auto-small-deposits', operationTypePattern: 'balance.deposit', mode: 'AUTO', requiredApprovals: 0, maxTotalPerCurrency: '10000', priority: 10 },
  { name: 'supervisor', operationTypePattern: '*', mode: 'MANUAL', requiredApprovals: 1, maxTotalPerCurrency: null, priority: 100 },
];

const deposits = (...amounts: [string, string][]) => ({
  operationType: 'balance.deposit',
  items: amounts.map(([amount, currency]) =>
    operationV1.ItemPlan.fromPartial({
      spec: { serverId: 's', balanceDeposit: { login: '1', amount: { amount, currency } } },
      change: { balance: { login: '1', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount, currency } },
    }),
  ),
});

describe('choosePolicy', () => {
  it('auto-approves deposits within the cap', () => {
    expect(choosePolicy(policies, deposits(['9000.00', 'USD'], ['1000.00', 'USD'])).name).toBe('auto-small-deposits');
  });

  it('falls through to manual approval when a currency total exceeds the cap', () => {
    expect(choosePolicy(policies, deposits(['9000.00', 'USD'], ['1000.01', 'USD'])).name).toBe('supervisor');
  });

  it('checks the cap per currency', () => {
    expect(choosePolicy(policies, deposits(['9000.00', 'USD'], ['9000.00', 'EUR'])).name).toBe('auto-small-deposits');
  });

  it('never auto-approves a type no policy names', () => {
    expect(choosePolicy([policies[0]!], { operationType: 'group.update', items: [] })).toMatchObject({ name: 'default-manual', mode: 'MANUAL', requiredApprovals: 1 });
  });
});

describe('totalsPerCurrency', () => {
  it('counts money going out as well as in', () => {
    const withdrawal = operationV1.ItemPlan.fromPartial({ change: { balance: { login: '1', dealType: 1, amount: '-250.50', currency: 'USD' } } });
    expect(totalsPerCurrency({ items: [...deposits(['100.00', 'USD']).items, withdrawal] }).get('USD')?.format(2)).toBe('350.50');
  });

  it('sums exactly', () => {
    expect(totalsPerCurrency(deposits(['0.10', 'USD'], ['0.20', 'USD'])).get('USD')?.format(2)).toBe('0.30');
  });
});

describe('a policy named by the template', () => {
  const named: ApprovalPolicy[] = [
    ...policies,
    { name: 'two-supervisors', operationTypePattern: 'balance.*', mode: 'MANUAL', requiredApprovals: 2, maxTotalPerCurrency: null, priority: 500 },
  ];

  it('applies when it covers the type', () => {
    expect(choosePolicy(named, deposits(['5.00', 'USD']), undefined, 'two-supervisors').name).toBe('two-supervisors');
  });

  it('is ignored for a type it does not cover, and when unknown', () => {
    expect(choosePolicy(named, { operationType: 'symbol.set_spread', items: [] }, undefined, 'two-supervisors').name).toBe('supervisor');
    expect(choosePolicy(named, deposits(['5.00', 'USD']), undefined, 'no-such-policy').name).toBe('auto-small-deposits');
  });
});
