import { approvalV1, type commonV1, type intakeV1, type operationV1 } from '@tradewarden/proto';
import { formatChanges, operationStatusName, table, timestamp } from './operation-format';
import { describeTarget } from './preview-format';

export function approvalStateName(state: approvalV1.ApprovalState): string {
  return approvalV1.approvalStateToJSON(state).replace(/^APPROVAL_STATE_/, '').toLowerCase();
}

const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** "12.00 USD, 3.50 EUR", or "-" when the plan moves no money. */
export function formatMoneyTotals(totals: readonly commonV1.Money[]): string {
  return totals.length === 0 ? '-' : totals.map((money) => `${money.amount} ${money.currency}`).join(', ');
}

/** The first servers by name, then how many more: a plan may span dozens. */
export function formatServers(serverIds: readonly string[], shown = 3): string {
  if (serverIds.length === 0) return '-';
  if (serverIds.length <= shown) return serverIds.join(', ');
  return `${serverIds.slice(0, shown).join(', ')} and ${serverIds.length - shown} more`;
}

/**
 * How long until a time, coarsely ("2d 3h", "5h 20m", "12m", "<1m"): enough to see what expires first. "expired" once
 * past it: the service refuses decisions from the due time even before its sweep marks the request EXPIRED.
 */
export function formatTimeLeft(until: Date | undefined, now: number): string {
  if (!until) return '-';
  const left = until.getTime() - now;
  if (left <= 0) return 'expired';
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return '<1m';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

/** "3 items, 2 accounts on mt5-demo-1; moves 12.00 USD; 1 warning". */
export function formatPlanSummary(summary: approvalV1.PlanSummary): string {
  const what = [count(summary.itemCount, 'item'), ...(summary.accountCount > 0 ? [count(summary.accountCount, 'account')] : [])].join(', ');
  const parts = [`${what} on ${formatServers(summary.serverIds, 5)}`];
  if (summary.totals.length > 0) parts.push(`moves ${formatMoneyTotals(summary.totals)}`);
  parts.push(summary.warningCount > 0 ? count(summary.warningCount, 'warning') : 'no warnings');
  return parts.join('; ');
}

export function formatApprovalRequest(request: approvalV1.ApprovalRequest, now: number): string {
  const roles = request.approverRoles.length > 0 ? `; approvers need the role ${request.approverRoles.join(' or ')}` : '';
  const lines = [
    `approval of ${request.operationId} (${request.operationType}): ${approvalStateName(request.state).toUpperCase()}${request.autoApproved ? ' (auto-approved)' : ''}`,
    `  policy ${request.policyName || '-'}; ${request.approvers.length} of ${request.requiredApprovals} approval${request.requiredApprovals === 1 ? '' : 's'}${request.approvers.length > 0 ? ` (${request.approvers.join(', ')})` : ''}${roles}`,
  ];
  if (request.submittedBy || request.createdAt) lines.push(`  submitted by ${request.submittedBy || '-'}; request opened ${timestamp(request.createdAt)}`);
  if (request.expiresAt) lines.push(`  expires in ${formatTimeLeft(request.expiresAt, now)} (${timestamp(request.expiresAt)})`);
  if (request.summary) lines.push(`  plan: ${formatPlanSummary(request.summary)}`);
  lines.push(`  plan digest ${request.planDigest}`);
  if (request.decidedAt) lines.push(`  decided at ${request.decidedAt.toISOString()}`);
  if (request.reason) lines.push(`  reason: ${request.reason}`);
  return lines.join('\n');
}

/**
 * What only intake knows of the operation under approval: its status, and the roll-out options the plan digest binds
 * with the items (an approver approves when and how it runs, not only what it changes).
 */
export function formatOperationContext(operation: intakeV1.Operation): string {
  const lines = [`operation ${operationStatusName(operation.status).toUpperCase()}${operation.statusReason ? `: ${operation.statusReason}` : ''}`];
  if (operation.template) lines.push(`  template ${operation.template}`);
  if (operation.revertsOperationId) lines.push(`  reverts operation ${operation.revertsOperationId}`);
  const options = operation.options;
  if (options) {
    if (options.notBefore) lines.push(`  runs not before ${timestamp(options.notBefore)}`);
    const rollout = [
      ...(options.skipInvalid ? ['invalid items skipped'] : []),
      ...(options.stopOnError ? ['stops at the first failure'] : []),
      ...(options.maxFailures > 0 ? [`stops after ${count(options.maxFailures, 'failure')}`] : []),
      ...(options.canaryServerId ? [`${options.canaryServerId} first`] : []),
      ...(options.canaryItems > 0 ? [`the first ${count(options.canaryItems, 'item')} first`] : []),
    ];
    if (rollout.length > 0) lines.push(`  roll-out: ${rollout.join('; ')}`);
  }
  return lines.join('\n');
}

/** One item of the plan under approval: where it acts, each field's before -> after, and the warnings. */
export function formatPlanItem(item: operationV1.ItemPlan): string {
  const lines = [`row ${item.rowNumber}  ${describeTarget(item)}${item.itemId ? `  (item ${item.itemId})` : ''}`];
  for (const change of formatChanges(item.before, item.after)) lines.push(`    ${change}`);
  for (const warning of item.warnings) lines.push(`    warning ${warning.code} ${warning.field}: ${warning.message}`);
  return lines.join('\n');
}

/** The line after the items shown: how many the plan has beyond them, and how to see them. */
export function formatMoreItems(shown: number, total: number, morePages: boolean): string | undefined {
  const more = total - shown;
  if (more > 0) return `... ${count(more, 'more item')} (--items ${Math.min(total, 100_000)} shows them)`;
  return morePages ? '... more items (raise --items)' : undefined;
}

export function formatPendingList(requests: readonly approvalV1.ApprovalRequest[], now: number, more: boolean): string {
  if (requests.length === 0) return 'nothing waits for your approval';
  const rows = requests.map((request) => {
    const summary = request.summary;
    const warnings = summary && summary.warningCount > 0 ? ` (${count(summary.warningCount, 'warning')})` : '';
    return [
      request.operationId,
      request.operationType,
      request.submittedBy || '-',
      summary ? `${summary.itemCount.toLocaleString('en-US')}${warnings}` : '-',
      summary ? formatServers(summary.serverIds, 2) : '-',
      summary ? formatMoneyTotals(summary.totals) : '-',
      `${request.approvers.length} of ${request.requiredApprovals}`,
      formatTimeLeft(request.expiresAt, now),
    ];
  });
  const lines = table(['operation', 'type', 'submitted by', 'items', 'servers', 'money', 'approvals', 'expires in'], rows);
  if (more) lines.push('(more requests wait: raise --limit)');
  return lines.join('\n');
}

export function formatDelegation(delegation: approvalV1.Delegation): string {
  const lines = [
    `delegation ${delegation.delegationId}: ${delegation.delegator} -> ${delegation.delegate} may approve ${delegation.operationTypePattern}`,
    `  from ${timestamp(delegation.validFrom)} until ${timestamp(delegation.validUntil)}${delegation.revokedAt ? `; revoked at ${timestamp(delegation.revokedAt)}` : ''}`,
    `  reason: ${delegation.reason}`,
  ];
  return lines.join('\n');
}

export function formatDelegationList(delegations: readonly approvalV1.Delegation[]): string {
  if (delegations.length === 0) return 'no delegations in force';
  return table(
    ['delegation', 'delegator', 'delegate', 'types', 'from', 'until', 'reason'],
    delegations.map((delegation) => [
      delegation.delegationId,
      delegation.delegator,
      delegation.delegate,
      delegation.operationTypePattern,
      timestamp(delegation.validFrom),
      timestamp(delegation.validUntil),
      delegation.reason,
    ]),
  ).join('\n');
}
