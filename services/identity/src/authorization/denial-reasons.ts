import type { DecimalAmount } from '@tradewarden/money';
import type { MoneyFacts } from './authorization-amounts';
import type { CompiledGrant } from './cedar-policy-compiler';

export function unknownActionReason(action: string): string {
  return `unknown action "${action}"`;
}

/** The reason callers have always seen, with the group when the request named one. */
export function missingPermissionReason(query: { action: string; operationType: string; serverId: string; group?: string; roles: readonly string[] }): string {
  const where = `${query.serverId ? ` on server ${query.serverId}` : ''}${query.group ? ` group ${query.group}` : ''}`;
  const roles = query.roles.length > 0 ? query.roles.join(', ') : 'none';
  return `missing permission "${query.action}" for "${query.operationType}"${where} (roles: ${roles})`;
}

const shown = (amount: DecimalAmount) => amount.format(2);

/**
 * Which of a grant's limits an item exceeded. Only asked for a grant whose scope allowed the request while the whole
 * policy set denied it, so one of its limits did; the comparisons mirror the compiled conditions.
 */
export function limitExceededReason(compiled: CompiledGrant, money: MoneyFacts | undefined, operationType: string): string {
  const role = compiled.grant.role;
  if (!money) return `limit: ${operationType} needs the item's amount to check the limits of ${role}`;
  const limit = compiled.limits.find((candidate) => candidate.currency === money.currency);
  if (!limit) return `limit: ${money.currency} is not allowed for ${operationType} (${role} has limits in ${compiled.limits.map((other) => other.currency).sort().join(', ')} only)`;
  if (limit.maxPerItem && money.amount.compare(limit.maxPerItem) > 0) return `limit: at most ${shown(limit.maxPerItem)} ${money.currency} per item for ${operationType} (${role})`;
  if (limit.maxPerOperation && money.operationTotal.compare(limit.maxPerOperation) > 0) {
    return `limit: at most ${shown(limit.maxPerOperation)} ${money.currency} per operation for ${operationType} (${role})`;
  }
  if (limit.maxPerUserDay && money.dayTotal.compare(limit.maxPerUserDay) > 0) {
    return `limit: at most ${shown(limit.maxPerUserDay)} ${money.currency} per user per day for ${operationType} (${role})`;
  }
  return `limit: outside the limits of ${role} for ${operationType}`;
}
