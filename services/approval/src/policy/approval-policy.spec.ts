import { operationV1 } from '@tradewarden/proto';
import { choosePolicy, groupMatchesMasks, policyMismatch, type ApprovalPolicy } from './approval-policy';
import { DecimalAmount } from '@tradewarden/money';
import { approvedItemsOf, plainAmount, planFacts } from './plan-facts';

const policy = (overrides: Partial<ApprovalPolicy> & Pick<ApprovalPolicy, 'name'>): ApprovalPolicy => ({
  operationTypePattern: '*',
  mode: 'MANUAL',
  requiredApprovals: 1,
  maxTotalPerCurrency: null,
  priority: 100,
  serverPattern: '*',
  serverTags: [],
  groupMasks: [],
  maxAccounts: null,
  approverRoles: [],
  ttlSeconds: null,
  ...overrides,
});

const policies: ApprovalPolicy[] = [
  policy({ name: 'auto-small-deposits', operationTypePattern: 'balance.deposit', mode: 'AUTO', requiredApprovals: 0, maxTotalPerCurrency: '10000', priority: 10 }),
  policy({ name: 'supervisor', priority: 100 }),
];

type Deposit = [amount: string, currency: string, login?: string, group?: string, serverId?: string];

const depositPlan = (...deposits: Deposit[]) => ({
  operationType: 'balance.deposit',
  items: deposits.map(([amount, currency, login = '1', group = 'real-usd', serverId = 'mt5-live-1'], index) =>
    operationV1.ItemPlan.fromPartial({
      rowNumber: index + 1,
      spec: { serverId, balanceDeposit: { login, amount: { amount, currency } } },
      before: { login, group, currency, balance: '0.00' },
      change: { balance: { login, dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount, currency } },
    }),
  ),
});
const deposits = (...items: Deposit[]) => planFacts(depositPlan(...items));

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

  it('needs one manual approval when no policy matches: nothing is auto-approved by default', () => {
    expect(choosePolicy([policies[0]!], planFacts({ operationType: 'group.set_margin_levels', items: [] }))).toMatchObject({ name: 'default-manual', mode: 'MANUAL', requiredApprovals: 1 });
  });

  it('takes the policy a template names when it applies, and the usual choice otherwise', () => {
    const named = [...policies, policy({ name: 'two-supervisors', operationTypePattern: 'balance.*', requiredApprovals: 2, priority: 500 })];
    expect(choosePolicy(named, deposits(['5.00', 'USD']), 'two-supervisors').name).toBe('two-supervisors');
    expect(choosePolicy(named, planFacts({ operationType: 'symbol.set_spread', items: [] }), 'two-supervisors').name).toBe('supervisor');
    expect(choosePolicy(named, deposits(['5.00', 'USD']), 'no-such-policy').name).toBe('auto-small-deposits');
  });

  it('chooses by server, group and number of accounts', () => {
    const scoped = [
      policy({ name: 'demo-servers-auto', mode: 'AUTO', requiredApprovals: 0, serverPattern: 'mt5-demo-*', priority: 1 }),
      policy({ name: 'retail-groups', groupMasks: ['real*', '!real-vip*'], priority: 2 }),
      policy({ name: 'few-accounts', maxAccounts: 2, priority: 3 }),
      policy({ name: 'everything', requiredApprovals: 2, priority: 4 }),
    ];
    expect(choosePolicy(scoped, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-demo-1'])).name).toBe('demo-servers-auto');
    // One item on another server is enough to leave a server-scoped policy.
    expect(choosePolicy(scoped, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-demo-1'], ['1.00', 'USD', '2', 'real-usd', 'mt5-live-1'])).name).toBe('retail-groups');
    expect(choosePolicy(scoped, deposits(['1.00', 'USD', '1', 'real-vip-usd'])).name).toBe('few-accounts');
    expect(choosePolicy(scoped, deposits(['1.00', 'USD', '1', 'pro'], ['1.00', 'USD', '2', 'pro'], ['1.00', 'USD', '3', 'pro'])).name).toBe('everything');
    // The same login twice is one account; on two servers it is two.
    expect(choosePolicy(scoped, deposits(['1.00', 'USD', '1', 'pro'], ['1.00', 'USD', '1', 'pro'], ['1.00', 'USD', '2', 'pro'])).name).toBe('few-accounts');
  });
});

describe('policies by server tag', () => {
  const tagged = [policy({ name: 'live-servers', serverTags: ['live', 'live-eu'], requiredApprovals: 2, priority: 1 }), policy({ name: 'others', priority: 2 })];
  const tags = new Map([
    ['mt5-live-1', ['live-eu']],
    ['mt5-demo-1', ['demo']],
  ]);

  it('applies to a plan whose every server carries one of its tags', () => {
    expect(choosePolicy(tagged, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-live-1']), '', tags).name).toBe('live-servers');
    expect(choosePolicy(tagged, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-live-1'], ['1.00', 'USD', '2', 'real-usd', 'mt5-demo-1']), '', tags).name).toBe('others');
  });

  it('never covers a server whose tags it does not know', () => {
    expect(policyMismatch(tagged[0]!, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-new-1']), tags)).toBe('covers servers tagged live,live-eu, not mt5-new-1');
    expect(policyMismatch(tagged[0]!, deposits(['1.00', 'USD', '1', 'real-usd', 'mt5-live-1']))).toBe('covers servers tagged live,live-eu, not mt5-live-1');
  });
});

describe('policyMismatch', () => {
  it('names what keeps a policy from applying', () => {
    expect(policyMismatch(policy({ name: 'p', operationTypePattern: 'group.*' }), deposits(['1.00', 'USD']))).toBe('covers group.*, not balance.deposit');
    expect(policyMismatch(policy({ name: 'p', serverPattern: 'mt4-*' }), deposits(['1.00', 'USD']))).toBe('covers servers mt4-*, not mt5-live-1');
    expect(policyMismatch(policy({ name: 'p', groupMasks: ['demo*'] }), deposits(['1.00', 'USD']))).toBe('covers groups demo*, not real-usd');
    expect(policyMismatch(policy({ name: 'p', maxAccounts: 1 }), deposits(['1.00', 'USD', '1'], ['1.00', 'USD', '2']))).toBe('covers at most 1 accounts, not 2');
    expect(policyMismatch(policy({ name: 'p', maxTotalPerCurrency: '10' }), deposits(['10.01', 'USD']))).toBe('covers at most 10 per currency, not 10.01 USD');
    expect(policyMismatch(policy({ name: 'p' }), deposits(['10.01', 'USD']))).toBeUndefined();
  });

  it('never lets a group-scoped policy cover an item without a group', () => {
    const spread = planFacts({
      operationType: 'symbol.set_spread',
      items: [operationV1.ItemPlan.fromPartial({ spec: { serverId: 's' }, change: { symbolUpdate: { symbol: 'EURUSD', set: { spread: '10' } } } })],
    });
    expect(policyMismatch(policy({ name: 'p', groupMasks: ['*'] }), spread)).toBe('covers groups *, not (an item without a group)');
  });
});

describe('groupMatchesMasks', () => {
  it.each([
    [['real*'], 'real-usd', true],
    [['real*'], 'demo-usd', false],
    [['real*', '!real-vip*'], 'real-vip-usd', false],
    [['!demo*'], 'real-usd', true],
    [['!demo*'], 'demo-usd', false],
    [['real\\*'], 'real\\usd', true],
  ])('%j matches %s: %s', (masks, group, expected) => {
    expect(groupMatchesMasks(masks, group)).toBe(expected);
  });
});

describe('plainAmount', () => {
  it.each([
    ['10.01', '10.01'],
    ['100', '100'],
    ['0.5', '0.5'],
    ['1234.00000001', '1234.00000001'],
  ])('%s -> %s', (text, expected) => {
    expect(plainAmount(DecimalAmount.parse(text, 8))).toBe(expected);
  });
});

describe('planFacts', () => {
  it('adds money per currency as absolute amounts and counts accounts, servers, groups and warnings', () => {
    const plan = depositPlan(['100.00', 'USD', '1'], ['0.10', 'USD', '2'], ['5.00', 'EUR', '3', 'real-eur', 'mt4-live-1']);
    plan.items.push(
      operationV1.ItemPlan.fromPartial({
        spec: { serverId: 'mt5-live-1' },
        before: { login: '1', group: 'real-usd' },
        change: { balance: { login: '1', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '-250.50', currency: 'USD' } },
        warnings: [{ field: 'x', code: 'W', message: 'w' }],
      }),
    );
    const facts = planFacts(plan);
    expect(facts.totals.get('USD')?.format(2)).toBe('350.60');
    expect(Object.fromEntries(facts.totalDigits)).toEqual({ USD: 2, EUR: 2 });
    expect(facts.totals.get('EUR')?.format(2)).toBe('5.00');
    expect(facts).toMatchObject({ accounts: 3, items: 4, warnings: 1 });
    expect([...facts.serverIds].sort()).toEqual(['mt4-live-1', 'mt5-live-1']);
    expect([...facts.groups].sort()).toEqual(['real-eur', 'real-usd']);
  });

  it('counts each account opened without a login as one account', () => {
    const facts = planFacts({
      operationType: 'account.create',
      items: [1, 2].map((rowNumber) => operationV1.ItemPlan.fromPartial({ rowNumber, spec: { serverId: 's' }, change: { accountCreate: { login: '0', set: { group: 'real-usd' } } } })),
    });
    expect(facts).toMatchObject({ accounts: 2 });
    expect([...facts.groups]).toEqual(['real-usd']);
  });
});

describe('approvedItemsOf', () => {
  it('gives each item its server, the group it touches and the money it moves as a positive amount', () => {
    const plan = depositPlan(['100.00', 'USD', '1', 'real-usd', 'mt5-live-1']);
    plan.items.push(
      operationV1.ItemPlan.fromPartial({
        spec: { serverId: 'mt4-live-1' },
        before: { login: '2', group: 'demo-eur' },
        change: { balance: { login: '2', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_CREDIT, amount: '-5.50', currency: 'EUR' } },
      }),
      operationV1.ItemPlan.fromPartial({ spec: { serverId: 'mt5-live-1' }, change: { groupUpdate: { group: 'real-pro', set: { margin_call: '90' } } } }),
      operationV1.ItemPlan.fromPartial({ spec: { serverId: 'mt5-live-1' }, change: { symbolUpdate: { symbol: 'EURUSD', set: { spread: '9' } } } }),
    );
    expect(approvedItemsOf(plan.items)).toEqual([
      { serverId: 'mt5-live-1', group: 'real-usd', amount: { amount: '100.00', currency: 'USD' } },
      { serverId: 'mt4-live-1', group: 'demo-eur', amount: { amount: '5.50', currency: 'EUR' } },
      { serverId: 'mt5-live-1', group: 'real-pro' },
      { serverId: 'mt5-live-1' },
    ]);
  });
});
