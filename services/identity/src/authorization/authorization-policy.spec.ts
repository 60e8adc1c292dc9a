import { decide, policyVersion, type Grant } from './authorization-policy';

const grants: Grant[] = [
  { role: 'ops-agent', action: 'submit', operationTypePattern: 'balance.*', serverPattern: '*' },
  { role: 'ops-agent', action: 'view', operationTypePattern: 'balance.*', serverPattern: '*' },
  { role: 'integration', action: 'submit', operationTypePattern: 'balance.deposit', serverPattern: 'mt5-demo-*' },
  { role: 'compliance', action: 'view', operationTypePattern: 'audit.trail', serverPattern: '*' },
];

describe('decide', () => {
  it('allows a role holding the action on a matching operation type', () => {
    expect(decide(grants, { roles: ['ops-agent'], action: 'submit', operationType: 'balance.deposit', serverId: 'mt5-live-eu' })).toMatchObject({ allowed: true });
  });

  it('denies an action the role does not hold, naming the missing permission', () => {
    const decision = decide(grants, { roles: ['ops-agent'], action: 'approve', operationType: 'balance.deposit', serverId: 'mt5-live-eu' });
    expect(decision).toEqual({ allowed: false, reason: 'missing permission "approve" for "balance.deposit" on server mt5-live-eu (roles: ops-agent)' });
  });

  it('denies an operation type outside the pattern', () => {
    expect(decide(grants, { roles: ['ops-agent'], action: 'submit', operationType: 'group.update', serverId: '' })).toMatchObject({ allowed: false });
  });

  it('denies a server outside the grant scope', () => {
    expect(decide(grants, { roles: ['integration'], action: 'submit', operationType: 'balance.deposit', serverId: 'mt5-live-eu' })).toMatchObject({ allowed: false });
    expect(decide(grants, { roles: ['integration'], action: 'submit', operationType: 'balance.deposit', serverId: 'mt5-demo-1' })).toMatchObject({ allowed: true });
  });

  it('denies a caller without roles', () => {
    expect(decide(grants, { roles: [], action: 'view', operationType: 'audit.trail', serverId: '' })).toEqual({
      allowed: false,
      reason: 'missing permission "view" for "audit.trail" (roles: none)',
    });
  });

  it('denies unknown actions', () => {
    expect(decide(grants, { roles: ['ops-agent'], action: 'delete', operationType: 'balance.deposit', serverId: '' })).toEqual({ allowed: false, reason: 'unknown action "delete"' });
  });

  it('treats glob characters other than * literally', () => {
    const dotted: Grant[] = [{ role: 'r', action: 'view', operationTypePattern: 'balance.deposit', serverPattern: '*' }];
    expect(decide(dotted, { roles: ['r'], action: 'view', operationType: 'balanceXdeposit', serverId: '' })).toMatchObject({ allowed: false });
  });
});

describe('policyVersion', () => {
  it('does not depend on grant order and changes with the grants', () => {
    expect(policyVersion([...grants].reverse())).toBe(policyVersion(grants));
    expect(policyVersion(grants.slice(1))).not.toBe(policyVersion(grants));
  });
});
