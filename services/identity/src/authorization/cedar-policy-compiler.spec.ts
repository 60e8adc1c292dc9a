import { checkParsePolicySet } from './cedar-wasm';
import { cedarString, compilePolicySet } from './cedar-policy-compiler';
import type { Grant } from './grant';

const agentDeposits: Grant = {
  role: 'ops-agent',
  action: 'submit',
  operationTypePattern: 'balance.*',
  serverPattern: 'mt5-live-*',
  serverTags: ['live-eu'],
  groupMasks: ['real*', '!real\\vip*'],
  limits: [{ currency: 'USD', maxPerItem: '5000.00', maxPerOperation: '50000.00', maxPerUserDay: '100000.00' }],
};
const complianceViews: Grant = { role: 'compliance', action: 'view', operationTypePattern: '*', serverPattern: '*' };

describe('compilePolicySet', () => {
  it('compiles one permit per grant, with a condition per scope and limit', () => {
    const compiled = compilePolicySet([agentDeposits]);
    expect(compiled.text).toBe(
      [
        '// ops-agent: submit:balance.*@mt5-live-*,tag:live-eu groups !real\\vip*,real* limits USD 5000.00/item 50000.00/operation 100000.00/day',
        '@id("grant-340211a8716e")',
        'permit (',
        '  principal in Tradewarden::Role::"ops-agent",',
        '  action == Tradewarden::Action::"submit",',
        '  resource is Tradewarden::Item',
        ')',
        'when { resource.operationType like "balance.*" }',
        'when { resource.serverId like "mt5-live-*" || resource in Tradewarden::ServerTag::"live-eu" }',
        'when { !context.checkItem || (resource has group && (resource.group like "real*") && !(resource.group like "real\\\\vip*")) }',
        'when { !context.checkItem || (context has money && ((context.money.currency == "USD" && context.money.amount.lessThanOrEqual(decimal("5000.0000")) && context.money.operationTotal.lessThanOrEqual(decimal("50000.0000")) && context.money.dayTotal.lessThanOrEqual(decimal("100000.0000"))))) };',
      ].join('\n'),
    );
    expect(checkParsePolicySet({ staticPolicies: compiled.text })).toEqual({ type: 'success' });
  });

  it('leaves out conditions a grant does not restrict', () => {
    const compiled = compilePolicySet([complianceViews]);
    expect(compiled.text).not.toContain('when');
    expect(compiled.scopePolicies).toEqual(compiled.policies);
  });

  it('compiles exact ids and types as equality, globs as like', () => {
    const { text } = compilePolicySet([{ role: 'r', action: 'view', operationTypePattern: 'audit.trail', serverPattern: 'mt5-live-1' }]);
    expect(text).toContain('when { resource.operationType == "audit.trail" }');
    expect(text).toContain('when { resource.serverId == "mt5-live-1" }');
  });

  it('compiles a tag-only scope without an id condition', () => {
    const { text } = compilePolicySet([{ ...complianceViews, serverPattern: '', serverTags: ['demo', 'trade-server'] }]);
    expect(text).toContain('when { resource in Tradewarden::ServerTag::"demo" || resource in Tradewarden::ServerTag::"trade-server" }');
  });

  it('keeps the limit conditions out of the scope-only policies', () => {
    const compiled = compilePolicySet([agentDeposits]);
    const [id] = Object.keys(compiled.policies);
    expect(compiled.policies[id!]).toContain('lessThanOrEqual');
    expect(compiled.scopePolicies[id!]).not.toContain('lessThanOrEqual');
    expect(compiled.scopePolicies[id!]).toContain('resource.group like');
  });

  it('gives the same grants the same version, whatever their order and row ids', () => {
    const a = compilePolicySet([{ ...agentDeposits, id: 'a' }, { ...complianceViews, id: 'b' }]);
    const b = compilePolicySet([{ ...complianceViews, id: 'c' }, { ...agentDeposits, id: 'd', groupMasks: ['!real\\vip*', 'real*'] }]);
    expect(b.version).toBe(a.version);
    expect(b.text).toBe(a.text);
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the version with any change of scope or limit', () => {
    const base = compilePolicySet([agentDeposits]).version;
    expect(compilePolicySet([{ ...agentDeposits, groupMasks: ['real*'] }]).version).not.toBe(base);
    expect(compilePolicySet([{ ...agentDeposits, serverTags: [] }]).version).not.toBe(base);
    expect(compilePolicySet([{ ...agentDeposits, limits: [{ currency: 'USD', maxPerItem: '5000.01' }] }]).version).not.toBe(base);
    expect(compilePolicySet([agentDeposits, complianceViews]).version).not.toBe(base);
  });

  it('lists every per-item limit once, ascending, as the batch partition points', () => {
    const compiled = compilePolicySet([
      agentDeposits,
      { ...complianceViews, action: 'submit', limits: [{ currency: 'EUR', maxPerItem: '5000' }, { currency: 'USD', maxPerItem: '10.5', maxPerOperation: '1' }] },
    ]);
    expect(compiled.itemLimitPoints.map(String)).toEqual(['10.5000', '5000.0000']);
  });

  it.each([
    [{ operationTypePattern: '' }, 'operation type pattern is empty'],
    [{ serverPattern: '', serverTags: [] }, 'reaches no server'],
    [{ groupMasks: ['!'] }, 'empty group mask'],
    [{ limits: [{ currency: 'usd', maxPerItem: '1' }] }, 'not an ISO 4217 code'],
    [{ limits: [{ currency: 'USD', maxPerItem: '0.00001' }] }, 'more than 4 digits'],
    [{ limits: [{ currency: 'USD', maxPerItem: '-1' }] }, 'must not be negative'],
    [{ limits: [{ currency: 'USD' }, { currency: 'USD' }] }, 'two limits for USD'],
  ] as [Partial<Grant>, string][])('rejects a grant that cannot mean what it says (%p): it grants nothing', (change, problem) => {
    const compiled = compilePolicySet([{ ...agentDeposits, ...change }, complianceViews]);
    expect(compiled.rejected).toEqual([{ grant: expect.objectContaining(change), problem: expect.stringContaining(problem) }]);
    expect(compiled.grants.size).toBe(1);
  });

  it('escapes quotes and backslashes, so a name cannot end its string early', () => {
    const compiled = compilePolicySet([{ ...complianceViews, role: 'x" || true || "', groupMasks: ['a\\"b*'] }]);
    expect(compiled.rejected).toEqual([]);
    expect(compiled.text).toContain('principal in Tradewarden::Role::"x\\" || true || \\""');
    expect(checkParsePolicySet({ staticPolicies: compiled.text })).toEqual({ type: 'success' });
  });

  it('writes Cedar string literals', () => {
    expect(cedarString('real\\vip*')).toBe('"real\\\\vip*"');
    expect(cedarString('a"b')).toBe('"a\\"b"');
    expect(cedarString('tab\there')).toBe('"tab\\u{9}here"');
  });
});
