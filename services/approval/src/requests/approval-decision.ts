import { transition, type ApprovalState } from './approval-request';

export type DecisionRuleCode = 'NOT_PENDING' | 'EXPIRED' | 'DIGEST_MISMATCH' | 'SELF_APPROVAL' | 'DUPLICATE_APPROVER' | 'ROLE_NOT_ALLOWED';

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

/** One approval: who gave it, and for whom when under a delegation (subjects). */
export interface ApprovalGiven {
  decidedBy: string;
  onBehalfOf?: string;
}

export interface PendingRequest {
  state: ApprovalState;
  planDigest: string;
  /** Keycloak subject of the submitter. */
  submittedBy: string;
  requiredApprovals: number;
  /** The approvals given so far. */
  approvals: readonly ApprovalGiven[];
  /** When the request stops taking decisions; null: never. */
  expiresAt: Date | null;
  /** The authority deciding must hold one of these roles (empty: any). */
  approverRoles: readonly string[];
}

export interface Decision {
  kind: 'approve' | 'reject';
  /** Keycloak subject of the person deciding. */
  decidedBy: string;
  /** Subject of the delegator when the person decides under a delegation. */
  onBehalfOf?: string;
  /** Roles of the authority the decision is taken with: the person's own, or the delegator's. */
  authorityRoles: readonly string[];
  /** Digest of the plan they reviewed. */
  planDigest: string;
  at: Date;
}

/**
 * The maker-checker rules of one decision: only a pending request that has not expired, only for the plan reviewed,
 * never by its submitter (nor under the submitter's delegation), only with a role the policy accepts, each person once
 * (and a delegate never counts again for a delegator who approved). Returns the state after the decision: APPROVED once
 * the required approvals are in.
 */
export function decide(request: PendingRequest, decision: Decision): ApprovalState {
  if (request.state !== 'PENDING') throw new DecisionRefusedError('NOT_PENDING', `the request is ${request.state.toLowerCase()}, no longer open to decisions`);
  if (request.expiresAt && decision.at.getTime() >= request.expiresAt.getTime()) {
    throw new DecisionRefusedError('EXPIRED', `the request expired at ${request.expiresAt.toISOString()}; the operation will not run`);
  }
  if (decision.planDigest !== request.planDigest) {
    throw new DecisionRefusedError('DIGEST_MISMATCH', `plan_digest ${decision.planDigest || '(none)'} is not the plan awaiting approval (${request.planDigest}); review it again`);
  }
  if (decision.decidedBy === request.submittedBy) throw new DecisionRefusedError('SELF_APPROVAL', 'the submitter of an operation cannot approve or reject it (maker-checker)');
  if (decision.onBehalfOf === request.submittedBy) {
    throw new DecisionRefusedError('SELF_APPROVAL', "a delegate cannot decide on the delegator's own operation (maker-checker)");
  }
  if (request.approverRoles.length > 0 && !request.approverRoles.some((role) => decision.authorityRoles.includes(role))) {
    throw new DecisionRefusedError('ROLE_NOT_ALLOWED', `this request's policy takes decisions from ${request.approverRoles.join(' or ')} only`);
  }
  if (decision.kind === 'reject') return transition(request.state, 'REJECTED');
  const peopleOf = (approval: ApprovalGiven) => [approval.decidedBy, ...(approval.onBehalfOf ? [approval.onBehalfOf] : [])];
  const earlier = new Set(request.approvals.flatMap(peopleOf));
  if (peopleOf(decision).some((person) => earlier.has(person))) {
    throw new DecisionRefusedError('DUPLICATE_APPROVER', 'this approver (or the delegator they act for) has already approved; approvals must come from distinct people');
  }
  return request.approvals.length + 1 >= request.requiredApprovals ? transition(request.state, 'APPROVED') : 'PENDING';
}
