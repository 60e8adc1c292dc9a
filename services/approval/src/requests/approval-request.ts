export type ApprovalState = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'CANCELLED';

const transitions: Record<ApprovalState, readonly ApprovalState[]> = {
  PENDING: ['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'],
  APPROVED: [],
  REJECTED: [],
  EXPIRED: [],
  CANCELLED: [],
};

export class ApprovalTransitionError extends Error {
  constructor(
    readonly from: ApprovalState,
    readonly to: ApprovalState,
  ) {
    super(`an approval request cannot go from ${from} to ${to}`);
    this.name = 'ApprovalTransitionError';
  }
}

/** Every decision is final: only a PENDING request moves, and only once. */
export function transition(from: ApprovalState, to: ApprovalState): ApprovalState {
  if (!transitions[from].includes(to)) throw new ApprovalTransitionError(from, to);
  return to;
}
