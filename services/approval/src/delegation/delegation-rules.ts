import { globMatches } from '../policy/approval-policy';

export const MAX_DELEGATION_DAYS = 30;
const MAX_REASON = 500;

/** Whether a delegation for this operation-type pattern ("balance.*", "*") covers an operation type. */
export function operationTypeMatches(pattern: string, operationType: string): boolean {
  return globMatches(pattern, operationType);
}

export interface DelegationRequest {
  delegator: string;
  delegate: string;
  operationTypePattern: string;
  validUntil: Date | undefined;
  reason: string;
}

/** Problems of a delegation request, each naming its field; empty when it may be recorded. */
export function delegationIssues(request: DelegationRequest, now: Date): string[] {
  const issues: string[] = [];
  if (!/^[A-Za-z0-9._@-]{1,255}$/.test(request.delegate)) issues.push('delegate: a username of the realm');
  else if (request.delegate === request.delegator) issues.push('delegate: delegating to yourself changes nothing');
  if (!/^[a-z*][a-z0-9_.*]{0,99}$/.test(request.operationTypePattern)) issues.push('operation_type_pattern: an operation type or glob, e.g. "balance.*" or "*"');
  if (!request.validUntil || Number.isNaN(request.validUntil.getTime())) issues.push('valid_until: required');
  else if (request.validUntil.getTime() <= now.getTime()) issues.push('valid_until: must be in the future');
  else if (request.validUntil.getTime() > now.getTime() + MAX_DELEGATION_DAYS * 86_400_000) issues.push(`valid_until: at most ${MAX_DELEGATION_DAYS} days from now`);
  const reason = request.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON) issues.push(`reason: say why, in 1-${MAX_REASON} characters`);
  return issues;
}
