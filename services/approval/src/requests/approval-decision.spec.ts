import { decide, DecisionRefusedError, type Decision, type PendingRequest } from './approval-decision';

const now = new Date('2026-11-27T10:00:00Z');
const pending: PendingRequest = {
  state: 'PENDING',
  planDigest: 'd1',
  submittedBy: 'agent',
  requiredApprovals: 2,
  approvals: [],
  expiresAt: new Date('2026-11-27T12:00:00Z'),
  approverRoles: [],
};
const approval = (decidedBy: string, overrides: Partial<Decision> = {}): Decision => ({ kind: 'approve', decidedBy, planDigest: 'd1', authorityRoles: ['ops-supervisor'], at: now, ...overrides });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DecisionRefusedError ? error.code : String(error);
  }
  return 'accepted';
};

describe('approval decisions', () => {
  it('stays pending until the required number of distinct approvers', () => {
    expect(decide(pending, approval('sup1'))).toBe('PENDING');
    expect(decide({ ...pending, approvals: [{ decidedBy: 'sup1' }] }, approval('sup2'))).toBe('APPROVED');
    expect(decide({ ...pending, requiredApprovals: 1 }, approval('sup1'))).toBe('APPROVED');
  });

  it('rejects at once', () => {
    expect(decide({ ...pending, approvals: [{ decidedBy: 'sup1' }] }, approval('sup2', { kind: 'reject' }))).toBe('REJECTED');
  });

  it('refuses the submitter, for approval and rejection alike', () => {
    expect(refusal(() => decide(pending, approval('agent')))).toBe('SELF_APPROVAL');
    expect(refusal(() => decide(pending, approval('agent', { kind: 'reject' })))).toBe('SELF_APPROVAL');
  });

  it('refuses a second approval by the same person', () => {
    expect(refusal(() => decide({ ...pending, approvals: [{ decidedBy: 'sup1' }] }, approval('sup1')))).toBe('DUPLICATE_APPROVER');
  });

  it('refuses a decision about another plan than the one pending', () => {
    expect(refusal(() => decide(pending, approval('sup1', { planDigest: 'd0' })))).toBe('DIGEST_MISMATCH');
  });

  it.each(['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'] as const)('refuses any decision once %s', (state) => {
    expect(refusal(() => decide({ ...pending, state }, approval('sup1')))).toBe('NOT_PENDING');
  });

  it('refuses decisions from the moment the request expires, even before the sweep marks it', () => {
    expect(refusal(() => decide(pending, approval('sup1', { at: new Date('2026-11-27T12:00:00Z') })))).toBe('EXPIRED');
    expect(refusal(() => decide(pending, approval('sup1', { kind: 'reject', at: new Date('2026-11-28T00:00:00Z') })))).toBe('EXPIRED');
    expect(decide(pending, approval('sup1', { at: new Date('2026-11-27T11:59:59Z') }))).toBe('PENDING');
    expect(decide({ ...pending, expiresAt: null }, approval('sup1', { at: new Date('2030-01-01T00:00:00Z') }))).toBe('PENDING');
  });

  it("takes decisions only from the roles the request's policy names", () => {
    const risk = { ...pending, approverRoles: ['risk-manager', 'admin'] };
    expect(refusal(() => decide(risk, approval('sup1')))).toBe('ROLE_NOT_ALLOWED');
    expect(refusal(() => decide(risk, approval('sup1', { kind: 'reject' })))).toBe('ROLE_NOT_ALLOWED');
    expect(decide(risk, approval('rm1', { authorityRoles: ['risk-manager'] }))).toBe('PENDING');
  });

  describe('under a delegation', () => {
    it("counts the delegate's approval once, for the delegator", () => {
      expect(decide({ ...pending, approvals: [{ decidedBy: 'sup1' }] }, approval('agent2', { onBehalfOf: 'sup2' }))).toBe('APPROVED');
      expect(decide({ ...pending, requiredApprovals: 3, approvals: [{ decidedBy: 'agent2', onBehalfOf: 'sup2' }] }, approval('sup1'))).toBe('PENDING');
    });

    it("refuses the delegate on the delegator's own operation", () => {
      expect(refusal(() => decide(pending, approval('sup9', { onBehalfOf: 'agent' })))).toBe('SELF_APPROVAL');
    });

    it('refuses a delegate when the delegator already approved, and a delegator after their delegate', () => {
      expect(refusal(() => decide({ ...pending, approvals: [{ decidedBy: 'sup1' }] }, approval('agent2', { onBehalfOf: 'sup1' })))).toBe('DUPLICATE_APPROVER');
      expect(refusal(() => decide({ ...pending, approvals: [{ decidedBy: 'agent2', onBehalfOf: 'sup1' }] }, approval('sup1')))).toBe('DUPLICATE_APPROVER');
    });

    it("checks the delegator's roles, not the delegate's", () => {
      const risk = { ...pending, approverRoles: ['risk-manager'] };
      expect(decide(risk, approval('agent2', { onBehalfOf: 'rm1', authorityRoles: ['risk-manager'] }))).toBe('PENDING');
      expect(refusal(() => decide(risk, approval('rm2', { onBehalfOf: 'sup1', authorityRoles: ['ops-supervisor'] })))).toBe('ROLE_NOT_ALLOWED');
    });
  });
});
