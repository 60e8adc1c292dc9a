import { decide, DecisionRefusedError, type PendingRequest } from './approval-decision';

const pending: PendingRequest = { state: 'PENDING', planDigest: 'd1', submittedBy: 'agent', requiredApprovals: 2, approvedBy: [] };
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
    expect(decide(pending, { kind: 'approve', decidedBy: 'sup1', planDigest: 'd1' })).toBe('PENDING');
    expect(decide({ ...pending, approvedBy: ['sup1'] }, { kind: 'approve', decidedBy: 'sup2', planDigest: 'd1' })).toBe('APPROVED');
    expect(decide({ ...pending, requiredApprovals: 1 }, { kind: 'approve', decidedBy: 'sup1', planDigest: 'd1' })).toBe('APPROVED');
  });

  it('rejects at once', () => {
    expect(decide({ ...pending, approvedBy: ['sup1'] }, { kind: 'reject', decidedBy: 'sup2', planDigest: 'd1' })).toBe('REJECTED');
  });

  it('refuses the submitter, for approval and rejection alike', () => {
    expect(refusal(() => decide(pending, { kind: 'approve', decidedBy: 'agent', planDigest: 'd1' }))).toBe('SELF_APPROVAL');
    expect(refusal(() => decide(pending, { kind: 'reject', decidedBy: 'agent', planDigest: 'd1' }))).toBe('SELF_APPROVAL');
  });

  it('refuses a second approval by the same person', () => {
    expect(refusal(() => decide({ ...pending, approvedBy: ['sup1'] }, { kind: 'approve', decidedBy: 'sup1', planDigest: 'd1' }))).toBe('DUPLICATE_APPROVER');
  });

  it('refuses a decision about another plan than the one pending', () => {
    expect(refusal(() => decide(pending, { kind: 'approve', decidedBy: 'sup1', planDigest: 'd0' }))).toBe('DIGEST_MISMATCH');
  });

  it.each(['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'] as const)('refuses any decision once %s', (state) => {
    expect(refusal(() => decide({ ...pending, state }, { kind: 'approve', decidedBy: 'sup1', planDigest: 'd1' }))).toBe('NOT_PENDING');
  });
});
