import { delegationIssues, operationTypeMatches, type DelegationRequest } from './delegation-rules';

const now = new Date('2026-11-27T10:00:00Z');
const request = (overrides: Partial<DelegationRequest> = {}): DelegationRequest => ({
  delegator: 'supervisor',
  delegate: 'supervisor2',
  operationTypePattern: 'balance.*',
  validUntil: new Date('2026-12-04T10:00:00Z'),
  reason: 'holiday cover',
  ...overrides,
});

describe('delegationIssues', () => {
  it('accepts a bounded delegation with a reason', () => {
    expect(delegationIssues(request(), now)).toEqual([]);
    expect(delegationIssues(request({ validUntil: new Date('2026-12-27T10:00:00Z'), operationTypePattern: '*' }), now)).toEqual([]);
  });

  it('refuses each bad field by name', () => {
    expect(delegationIssues(request({ delegate: 'supervisor' }), now)).toEqual(['delegate: delegating to yourself changes nothing']);
    expect(delegationIssues(request({ delegate: 'a b' }), now)).toEqual(['delegate: a username of the realm']);
    expect(delegationIssues(request({ operationTypePattern: 'Balance;drop' }), now)).toEqual(['operation_type_pattern: an operation type or glob, e.g. "balance.*" or "*"']);
    expect(delegationIssues(request({ validUntil: undefined }), now)).toEqual(['valid_until: required']);
    expect(delegationIssues(request({ validUntil: now }), now)).toEqual(['valid_until: must be in the future']);
    expect(delegationIssues(request({ validUntil: new Date('2026-12-27T10:00:01Z') }), now)).toEqual(['valid_until: at most 30 days from now']);
    expect(delegationIssues(request({ reason: '  ' }), now)).toEqual(['reason: say why, in 1-500 characters']);
    expect(delegationIssues(request({ reason: 'x'.repeat(501) }), now)).toEqual(['reason: say why, in 1-500 characters']);
  });
});

describe('operationTypeMatches', () => {
  it.each([
    ['balance.*', 'balance.deposit', true],
    ['balance.*', 'group.set_permissions', false],
    ['*', 'operation.revert', true],
    ['balance.deposit', 'balance.deposit', true],
    ['balance.deposit', 'balance.depositx', false],
  ])('%s covers %s: %s', (pattern, type, expected) => {
    expect(operationTypeMatches(pattern, type)).toBe(expected);
  });
});
