import { approvalV1 } from '@tradewarden/proto';

export function approvalStateName(state: approvalV1.ApprovalState): string {
  return approvalV1.approvalStateToJSON(state).replace(/^APPROVAL_STATE_/, '').toLowerCase();
}

export function formatApprovalRequest(request: approvalV1.ApprovalRequest): string {
  const lines = [
    `approval of ${request.operationId} (${request.operationType}): ${approvalStateName(request.state).toUpperCase()}${request.autoApproved ? ' (auto-approved)' : ''}`,
    `  policy ${request.policyName || '-'}; ${request.approvers.length} of ${request.requiredApprovals} approval${request.requiredApprovals === 1 ? '' : 's'}${request.approvers.length > 0 ? ` (${request.approvers.join(', ')})` : ''}`,
    `  plan digest ${request.planDigest}`,
  ];
  if (request.decidedAt) lines.push(`  decided at ${request.decidedAt.toISOString()}`);
  return lines.join('\n');
}
