import { transition, type ApprovalState } from './approval-request';

export type DecisionRuleCode = 'NOT_PENDING' | 'DIGEST_MISMATCH' | 'SELF_APPROVAL' | 'DUPLICATE_APPROVER';

/** A decision the maker-checker rules refuse; nothing is recorded. */
export class DecisionRefusedError extends Error {
  constructor(
    readonly code: DecisionRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecisionRefusedError';
  }
}

export interface PendingRequest {
  state: ApprovalState;
  planDigest: string;
  /** Keycloak subject of the submitter. */
  submittedBy: string;
  requiredApprovals: number;
  /** Subjects of the approvals given so far. */
  approvedBy: readonly string[];
}

export interface Decision {
  kind: 'approve' | 'reject';
  /** Keycloak subject of the person deciding. */
  decidedBy: string;
  /** Digest of the plan they reviewed. */
  planDigest: string;
}

/**
 * The maker-checker rules of one decision: only a pending request, only for the plan reviewed, never by its submitter,
 * each approver once. Returns the state after the decision: APPROVED once the required approvals are in.
 */
export function decide(request: PendingRequest, decision: Decision): ApprovalState {
  if (request.state !== 'PENDING') throw new DecisionRefusedError('NOT_PENDING', `the request is ${request.state.toLowerCase()}, no longer open to decisions`);
  if (decision.planDigest !== request.planDigest) {
    throw new DecisionRefusedError('DIGEST_MISMATCH', `plan_digest ${decision.planDigest || '(none)'} is not the plan awaiting approval (${request.planDigest}); review it again`);
  }
  if (decision.decidedBy === request.submittedBy) throw new DecisionRefusedError('SELF_APPROVAL', 'the submitter of an operation cannot approve or reject it (maker-checker)');
  if (decision.kind === 'reject') return transition(request.state, 'REJECTED');
  if (request.approvedBy.includes(decision.decidedBy)) throw new DecisionRefusedError('DUPLICATE_APPROVER', 'this approver has already approved; approvals must come from distinct people');
  return request.approvedBy.length + 1 >= request.requiredApprovals ? transition(request.state, 'APPROVED') : 'PENDING';
}
