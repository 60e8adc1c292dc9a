import { ApprovalTransitionError, transition, type ApprovalState } from './approval-request';

describe('approval request transitions', () => {
  it.each<ApprovalState>(['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'])('PENDING -> %s', (to) => {
    expect(transition('PENDING', to)).toBe(to);
  });

  it.each<[ApprovalState, ApprovalState]>([
    ['APPROVED', 'REJECTED'],
    ['REJECTED', 'APPROVED'],
    ['EXPIRED', 'APPROVED'],
    ['CANCELLED', 'APPROVED'],
    ['APPROVED', 'APPROVED'],
    ['PENDING', 'PENDING'],
  ])('refuses %s -> %s', (from, to) => {
    expect(() => transition(from, to)).toThrow(ApprovalTransitionError);
  });
});
