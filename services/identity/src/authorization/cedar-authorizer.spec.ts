import fc from 'fast-check';
import { DecimalAmount } from '@tradewarden/money';
import { moneyFacts, type MoneyFacts } from './authorization-amounts';
import { CedarAuthorizer, type AuthorizationQuery, type BatchQuery } from './cedar-authorizer';
import { compilePolicySet } from './cedar-policy-compiler';
import type { Grant } from './grant';

const authorizer = (grants: Grant[]) => CedarAuthorizer.load(compilePolicySet(grants));
const grant = (overrides: Partial<Grant> = {}): Grant => ({ role: 'ops-agent', action: 'submit', operationTypePattern: 'balance.*', serverPattern: '*', ...overrides });
const decimal = (text: string) => DecimalAmount.parse(text, 18);
const totals = (entries: Record<string, string> = {}) => new Map(Object.entries(entries).map(([currency, amount]) => [currency, decimal(amount)]));

/** What an item of `amount` moves, with the caller's operation totals and today's earlier submissions. */
function money(amount: string, currency = 'USD', operation: Record<string, string> = {}, today: Record<string, string> = {}): MoneyFacts {
  return moneyFacts({ currency, amount: decimal(amount) }, totals(operation), totals(today));
}

function query(overrides: Partial<AuthorizationQuery> = {}): AuthorizationQuery {
  return {
    principal: { subject: 'user-1', roles: ['ops-agent'] },
    action: 'submit',
    operationType: 'balance.deposit',
    serverId: 'mt5-live-1',
    serverTags: [],
    ...overrides,
  };
}

describe('CedarAuthorizer: grants without scopes or limits answer as before', () => {
  const grants: Grant[] = [
    grant(),
    grant({ action: 'view' }),
    grant({ role: 'integration', operationTypePattern: 'balance.deposit', serverPattern: 'mt5-demo-*' }),
    grant({ role: 'compliance', action: 'view', operationTypePattern: 'audit.trail' }),
  ];
  const cedar = authorizer(grants);

  it('allows a role holding the action on a matching operation type', () => {
    expect(cedar.decide(query({ serverId: 'mt5-live-eu' }))).toMatchObject({ allowed: true });
  });

  it('denies an action the role does not hold, naming the missing permission', () => {
    expect(cedar.decide(query({ action: 'approve', serverId: 'mt5-live-eu' }))).toEqual({
      allowed: false,
      reason: 'missing permission "approve" for "balance.deposit" on server mt5-live-eu (roles: ops-agent)',
    });
  });

  it('denies an operation type outside the pattern', () => {
    expect(cedar.decide(query({ operationType: 'group.update', serverId: '' }))).toEqual({ allowed: false, reason: 'missing permission "submit" for "group.update" (roles: ops-agent)' });
  });

  it('denies a server outside the grant scope', () => {
    const integration = { principal: { subject: 'crm', roles: ['integration'] } };
    expect(cedar.decide(query({ ...integration, serverId: 'mt5-live-eu' }))).toMatchObject({ allowed: false });
    expect(cedar.decide(query({ ...integration, serverId: 'mt5-demo-1' }))).toMatchObject({ allowed: true });
  });

  it('denies a caller without roles', () => {
    expect(cedar.decide(query({ principal: { subject: 'nobody', roles: [] }, action: 'view', operationType: 'audit.trail', serverId: '' }))).toEqual({
      allowed: false,
      reason: 'missing permission "view" for "audit.trail" (roles: none)',
    });
  });

  it('denies unknown actions', () => {
    expect(cedar.decide(query({ action: 'delete', serverId: '' }))).toEqual({ allowed: false, reason: 'unknown action "delete"' });
  });

  it('treats glob characters other than * literally', () => {
    const dotted = authorizer([grant({ role: 'r', action: 'view', operationTypePattern: 'balance.deposit' })]);
    expect(dotted.decide(query({ principal: { subject: 'u', roles: ['r'] }, action: 'view', operationType: 'balanceXdeposit' }))).toMatchObject({ allowed: false });
    expect(dotted.decide(query({ principal: { subject: 'u', roles: ['r'] }, action: 'view', operationType: 'balance.deposit' }))).toMatchObject({ allowed: true });
  });

  it('reaches a serverless request only through a grant on every server', () => {
    expect(cedar.decide(query({ principal: { subject: 'crm', roles: ['integration'] }, serverId: '' }))).toMatchObject({ allowed: false });
    expect(cedar.decide(query({ serverId: '' }))).toMatchObject({ allowed: true });
  });

  it('names the grants that allowed', () => {
    expect(cedar.decide(query())).toEqual({ allowed: true, grants: [grants[0]] });
  });
});

describe('CedarAuthorizer: operation type patterns', () => {
  const cedar = authorizer([grant({ operationTypePattern: 'balance.deposit' }), grant({ operationTypePattern: 'account.*' }), grant({ action: 'view', operationTypePattern: '*' })]);

  it.each([
    ['balance.deposit', 'submit', true],
    ['balance.withdrawal', 'submit', false],
    ['account.create', 'submit', true],
    ['accounts.create', 'submit', false],
    ['account', 'submit', false],
    ['anything.at_all', 'view', true],
    ['anything.at_all', 'submit', false],
  ])('%s for %s: %s', (operationType, action, allowed) => {
    expect(cedar.decide(query({ operationType, action })).allowed).toBe(allowed);
  });
});

describe('CedarAuthorizer: server scopes', () => {
  const cedar = authorizer([
    grant({ serverPattern: 'mt5-live-1' }),
    grant({ operationTypePattern: 'account.*', serverPattern: 'mt5-live-*' }),
    grant({ operationTypePattern: 'position.*', serverPattern: '', serverTags: ['live-eu'] }),
    grant({ operationTypePattern: 'order.*', serverPattern: 'mt4-*', serverTags: ['vip', 'live-eu'] }),
  ]);

  it('by exact id', () => {
    expect(cedar.decide(query({ serverId: 'mt5-live-1' })).allowed).toBe(true);
    expect(cedar.decide(query({ serverId: 'mt5-live-10' })).allowed).toBe(false);
    expect(cedar.decide(query({ serverId: '' })).allowed).toBe(false);
  });

  it('by glob', () => {
    expect(cedar.decide(query({ operationType: 'account.create', serverId: 'mt5-live-7' })).allowed).toBe(true);
    expect(cedar.decide(query({ operationType: 'account.create', serverId: 'mt5-demo-1' })).allowed).toBe(false);
  });

  it('by tag only: a tagged server is in scope, an untagged one or another tag is not', () => {
    expect(cedar.decide(query({ operationType: 'position.modify', serverId: 'mt5-x', serverTags: ['live-eu'] })).allowed).toBe(true);
    expect(cedar.decide(query({ operationType: 'position.modify', serverId: 'mt5-x', serverTags: [] }))).toEqual({
      allowed: false,
      reason: 'missing permission "submit" for "position.modify" on server mt5-x (roles: ops-agent)',
    });
    expect(cedar.decide(query({ operationType: 'position.modify', serverId: 'mt5-x', serverTags: ['live-asia'] })).allowed).toBe(false);
    // The tag belongs to the server: a server id that merely looks like the tag is not in scope.
    expect(cedar.decide(query({ operationType: 'position.modify', serverId: 'live-eu', serverTags: [] })).allowed).toBe(false);
  });

  it('by id glob or any of several tags', () => {
    expect(cedar.decide(query({ operationType: 'order.modify', serverId: 'mt4-a', serverTags: [] })).allowed).toBe(true);
    expect(cedar.decide(query({ operationType: 'order.modify', serverId: 'mt5-a', serverTags: ['vip'] })).allowed).toBe(true);
    expect(cedar.decide(query({ operationType: 'order.modify', serverId: 'mt5-a', serverTags: ['demo'] })).allowed).toBe(false);
  });
});

describe('CedarAuthorizer: group masks', () => {
  const cedar = authorizer([
    grant({ groupMasks: ['real*', 'demo*', '!real\\vip*'] }),
    grant({ operationTypePattern: 'account.*', groupMasks: ['!*\\vip*'] }),
  ]);
  const item = (group: string, amount?: string) => ({ item: { group, money: amount === undefined ? undefined : money(amount) } });

  it('allows a group matching an included mask', () => {
    expect(cedar.decide(query(item('real\\retail\\usd', '10'))).allowed).toBe(true);
    expect(cedar.decide(query(item('demo-std', '10'))).allowed).toBe(true);
  });

  it('denies a group matching no included mask, naming server and group', () => {
    expect(cedar.decide(query(item('test\\retail', '10')))).toEqual({
      allowed: false,
      reason: 'missing permission "submit" for "balance.deposit" on server mt5-live-1 group test\\retail (roles: ops-agent)',
    });
  });

  it('denies a group matching an excluded mask even when an included one matches', () => {
    expect(cedar.decide(query(item('real\\vip\\usd', '10'))).allowed).toBe(false);
  });

  it('with exclusions only, allows every other group', () => {
    expect(cedar.decide(query({ operationType: 'account.update', ...item('anything') })).allowed).toBe(true);
    expect(cedar.decide(query({ operationType: 'account.update', ...item('real\\vip\\eur') })).allowed).toBe(false);
  });

  it('denies an item without a group when the grant is scoped to groups (fail closed)', () => {
    expect(cedar.decide(query(item('', '10'))).allowed).toBe(false);
    expect(cedar.decide(query({ operationType: 'account.update', ...item('') })).allowed).toBe(false);
  });

  it('does not check groups in a scope-level question (no item)', () => {
    expect(cedar.decide(query()).allowed).toBe(true);
  });

  it('matches masks literally apart from *', () => {
    const exact = authorizer([grant({ groupMasks: ['real.usd'] })]);
    expect(exact.decide(query(item('real.usd', '1'))).allowed).toBe(true);
    expect(exact.decide(query(item('realXusd', '1'))).allowed).toBe(false);
  });
});

describe('CedarAuthorizer: limits', () => {
  const cedar = authorizer([
    grant({ limits: [{ currency: 'USD', maxPerItem: '5000.00', maxPerOperation: '20000.00', maxPerUserDay: '50000.00' }, { currency: 'EUR', maxPerItem: '4000.00' }] }),
  ]);
  const ask = (facts: MoneyFacts | undefined) => cedar.decide(query({ item: { group: 'real', money: facts } }));

  it('allows an item up to the per-item limit, inclusive', () => {
    expect(ask(money('5000.00')).allowed).toBe(true);
    expect(ask(money('0.01')).allowed).toBe(true);
  });

  it('denies an item over the per-item limit, naming it', () => {
    expect(ask(money('5000.01'))).toEqual({ allowed: false, reason: 'limit: at most 5000.00 USD per item for balance.deposit (ops-agent)' });
  });

  it('compares the magnitude: a negative amount is not a way around the limit', () => {
    expect(ask(money('-5000.01')).allowed).toBe(false);
  });

  it('rounds amounts with more than 4 fraction digits up, never past a limit', () => {
    expect(ask(money('5000.00001'))).toEqual({ allowed: false, reason: 'limit: at most 5000.00 USD per item for balance.deposit (ops-agent)' });
    expect(ask(money('4999.99999')).allowed).toBe(true);
  });

  it('treats amounts beyond Cedar decimal range as over every limit', () => {
    expect(ask(money('9999999999999999999999.99')).allowed).toBe(false);
  });

  it('denies an operation whose total passes the per-operation limit', () => {
    expect(ask(money('100.00', 'USD', { USD: '20000.00' })).allowed).toBe(true);
    expect(ask(money('100.00', 'USD', { USD: '20000.01' }))).toEqual({ allowed: false, reason: 'limit: at most 20000.00 USD per operation for balance.deposit (ops-agent)' });
  });

  it('counts the item itself when the operation total is missing or smaller', () => {
    const strict = authorizer([grant({ limits: [{ currency: 'USD', maxPerOperation: '100.00' }] })]);
    expect(strict.decide(query({ item: { group: '', money: money('100.01', 'USD', { USD: '1.00' }) } })).allowed).toBe(false);
    expect(strict.decide(query({ item: { group: '', money: money('100.00') } })).allowed).toBe(true);
  });

  it('denies when today plus the operation passes the per-user daily limit', () => {
    expect(ask(money('100.00', 'USD', { USD: '1000.00' }, { USD: '49000.00' })).allowed).toBe(true);
    expect(ask(money('100.00', 'USD', { USD: '1000.00' }, { USD: '49000.01' }))).toEqual({
      allowed: false,
      reason: 'limit: at most 50000.00 USD per user per day for balance.deposit (ops-agent)',
    });
    // Other currencies submitted today do not count against USD.
    expect(ask(money('100.00', 'USD', {}, { EUR: '1000000.00' })).allowed).toBe(true);
  });

  it('applies each currency its own limits', () => {
    expect(ask(money('4000.00', 'EUR')).allowed).toBe(true);
    expect(ask(money('4000.01', 'EUR'))).toEqual({ allowed: false, reason: 'limit: at most 4000.00 EUR per item for balance.deposit (ops-agent)' });
  });

  it('denies a currency the grant has no limits for', () => {
    expect(ask(money('1.00', 'JPY'))).toEqual({ allowed: false, reason: 'limit: JPY is not allowed for balance.deposit (ops-agent has limits in EUR, USD only)' });
  });

  it('denies an item without an amount when the grant is limited (fail closed)', () => {
    expect(ask(undefined)).toEqual({ allowed: false, reason: "limit: balance.deposit needs the item's amount to check the limits of ops-agent" });
  });

  it('does not check limits in a scope-level question (no item)', () => {
    expect(cedar.decide(query()).allowed).toBe(true);
  });

  it('lets a currency listed without bounds through unbounded', () => {
    const open = authorizer([grant({ limits: [{ currency: 'USD' }] })]);
    expect(open.decide(query({ item: { group: '', money: money('99999999.00') } })).allowed).toBe(true);
    expect(open.decide(query({ item: { group: '', money: money('1.00', 'EUR') } })).allowed).toBe(false);
  });

  it('is allowed by any one grant: an unlimited grant of another role lifts the limit', () => {
    const two = authorizer([grant({ limits: [{ currency: 'USD', maxPerItem: '10.00' }] }), grant({ role: 'ops-supervisor' })]);
    const facts = { item: { group: '', money: money('11.00') } };
    expect(two.decide(query(facts)).allowed).toBe(false);
    expect(two.decide(query({ ...facts, principal: { subject: 'u', roles: ['ops-agent', 'ops-supervisor'] } })).allowed).toBe(true);
  });

  it('names the limit of every role whose scope allowed the item', () => {
    const two = authorizer([grant({ limits: [{ currency: 'USD', maxPerItem: '10.00' }] }), grant({ role: 'integration', limits: [{ currency: 'USD', maxPerItem: '20.00' }] })]);
    expect(two.decide(query({ principal: { subject: 'u', roles: ['ops-agent', 'integration'] }, item: { group: '', money: money('25.00') } }))).toEqual({
      allowed: false,
      reason: 'limit: at most 10.00 USD per item for balance.deposit (ops-agent); limit: at most 20.00 USD per item for balance.deposit (integration)',
    });
  });

  it('reports a missing permission, not a limit, when no grant covers the scope', () => {
    expect(cedar.decide(query({ operationType: 'group.update', item: { group: 'real', money: money('999999.00') } }))).toEqual({
      allowed: false,
      reason: 'missing permission "submit" for "group.update" on server mt5-live-1 group real (roles: ops-agent)',
    });
  });
});

describe('CedarAuthorizer: deny by default', () => {
  it('denies everything under an empty policy set', () => {
    expect(authorizer([]).decide(query())).toEqual({ allowed: false, reason: 'missing permission "submit" for "balance.deposit" on server mt5-live-1 (roles: ops-agent)' });
  });

  it('does not let a role name that only resembles a granted one through', () => {
    const cedar = authorizer([grant()]);
    expect(cedar.decide(query({ principal: { subject: 'u', roles: ['ops-agent-2', 'OPS-AGENT', 'ops'] } })).allowed).toBe(false);
  });

  it('denies the principal named like a role: roles come from the role list only', () => {
    const cedar = authorizer([grant()]);
    expect(cedar.decide(query({ principal: { subject: 'ops-agent', roles: [] } })).allowed).toBe(false);
  });
});

describe('CedarAuthorizer.decideBatch', () => {
  const grants: Grant[] = [
    grant({ groupMasks: ['real*'], limits: [{ currency: 'USD', maxPerItem: '100.00', maxPerOperation: '100000.00' }, { currency: 'EUR', maxPerItem: '50.00' }] }),
    grant({ serverPattern: '', serverTags: ['demo'], limits: [{ currency: 'USD', maxPerItem: '300.00' }] }),
  ];
  const cedar = authorizer(grants);
  const tags: Record<string, string[]> = { 'mt5-demo-1': ['demo'] };
  const batch = (items: BatchQuery['items'], overrides: Partial<BatchQuery> = {}): BatchQuery => ({
    principal: { subject: 'user-1', roles: ['ops-agent'] },
    action: 'submit',
    operationType: 'balance.deposit',
    items,
    operationTotals: new Map(),
    submittedToday: new Map(),
    serverTags: (serverId) => tags[serverId] ?? [],
    ...overrides,
  });
  const usd = (amount: string) => ({ currency: 'USD', amount: decimal(amount) });

  it('answers per item with shared reasons, and evaluates each distinct request once', () => {
    const items = [
      ...Array.from({ length: 1000 }, (_, index) => ({ serverId: 'mt5-live-1', group: 'real\\usd', amount: usd(`${(index % 100) + 1}.00`) })),
      { serverId: 'mt5-live-1', group: 'real\\usd', amount: usd('100.01') },
      { serverId: 'mt5-live-1', group: 'test', amount: usd('1.00') },
      { serverId: 'mt5-live-1', group: 'test', amount: usd('2.00') },
    ];
    const result = cedar.decideBatch(batch(items));
    expect(result.allowedCount).toBe(1000);
    expect(result.deniedCount).toBe(3);
    expect(result.reasons).toEqual(['limit: at most 100.00 USD per item for balance.deposit (ops-agent)', 'missing permission "submit" for "balance.deposit" on server mt5-live-1 group test (roles: ops-agent)']);
    expect(result.itemDenials.slice(1000)).toEqual([1, 2, 2]);
    // The set's per-item limits (50, 100, 300) cut the amounts into intervals: real\usd items fall into three of them,
    // both "test" items into one: 4 evaluations, not 1,003.
    expect(result.evaluations).toBe(4);
  });

  it('sums the items into the operation total when the caller sent none', () => {
    const items = Array.from({ length: 1001 }, () => ({ serverId: 'mt5-live-1', group: 'real', amount: usd('100.00') }));
    const result = cedar.decideBatch(batch(items));
    expect(result.deniedCount).toBe(1001);
    expect(result.reasons).toEqual(['limit: at most 100000.00 USD per operation for balance.deposit (ops-agent)']);
    expect(cedar.decideBatch(batch(items.slice(0, 1000))).deniedCount).toBe(0);
  });

  it('uses the larger of the caller total and the request sum', () => {
    const items = [{ serverId: 'mt5-live-1', group: 'real', amount: usd('1.00') }];
    expect(cedar.decideBatch(batch(items, { operationTotals: totals({ USD: '100000.01' }) })).deniedCount).toBe(1);
  });

  it('denies every item of an unknown action', () => {
    expect(cedar.decideBatch(batch([{ serverId: 'a', group: '' }, { serverId: 'b', group: '' }], { action: 'approve-all' }))).toMatchObject({
      itemDenials: [1, 1],
      reasons: ['unknown action "approve-all"'],
      deniedCount: 2,
    });
  });

  it('answers an empty batch', () => {
    expect(cedar.decideBatch(batch([]))).toMatchObject({ itemDenials: [], allowedCount: 0, deniedCount: 0 });
  });

  it('decides every item exactly as a request of its own would', () => {
    const servers = ['mt5-live-1', 'mt5-demo-1', ''];
    const groups = ['real\\usd', 'test', ''];
    const amounts = fc.oneof(
      fc.constantFrom('50.00', '100.00', '100.0001', '300.00', '300.0001', '0.00001'),
      fc.bigInt({ min: 0n, max: 40_000_000n }).map((cents) => DecimalAmount.fromUnits(cents, 5).toString()),
    );
    const item = fc.record({
      serverId: fc.constantFrom(...servers),
      group: fc.constantFrom(...groups),
      amount: fc.option(fc.record({ currency: fc.constantFrom('USD', 'EUR', 'JPY'), amount: amounts.map(decimal) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), fc.constantFrom(['ops-agent'], ['ops-agent', 'ops-supervisor'], []), (items, roles) => {
        const request = batch(items, { principal: { subject: 'u', roles } });
        const result = cedar.decideBatch(request);
        const sums = new Map<string, DecimalAmount>();
        for (const entry of items) if (entry.amount) sums.set(entry.amount.currency, (sums.get(entry.amount.currency) ?? DecimalAmount.zero(2)).plus(entry.amount.amount));
        items.forEach((entry, index) => {
          const single = cedar.decide({
            principal: request.principal,
            action: 'submit',
            operationType: 'balance.deposit',
            serverId: entry.serverId,
            serverTags: request.serverTags(entry.serverId),
            item: { group: entry.group, money: entry.amount && moneyFacts(entry.amount, sums, new Map()) },
          });
          const denial = result.itemDenials[index]!;
          expect(denial === 0).toBe(single.allowed);
          if (!single.allowed) expect(result.reasons[denial - 1]).toBe(single.reason);
        });
      }),
      { numRuns: 60 },
    );
  });
});
