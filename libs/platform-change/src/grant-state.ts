import { canonicalDecimal } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';

/** What identifies a grant: everything but its limits. Two grants with the same scope are the same grant. */
export interface GrantScope {
  role: string;
  action: string;
  operationTypePattern: string;
  serverPattern: string;
  serverTags: readonly string[];
  groupMasks: readonly string[];
}

export interface GrantLimitState {
  currency: string;
  maxPerItem?: string | null;
  maxPerOperation?: string | null;
  maxPerUserDay?: string | null;
}

export function grantScopeOf(params: catalogueV1.GrantParams): GrantScope {
  return {
    role: params.role,
    action: params.action,
    operationTypePattern: params.operationTypePattern,
    serverPattern: params.serverPattern,
    serverTags: params.serverTags,
    groupMasks: params.groupMasks,
  };
}

/** One text per scope, independent of the order tags and masks were given in. */
export function grantScopeKey(scope: GrantScope): string {
  return JSON.stringify([scope.role, scope.action, scope.operationTypePattern, scope.serverPattern, [...scope.serverTags].sort(), [...scope.groupMasks].sort()]);
}

function limitText(limit: GrantLimitState): string {
  // One text per amount ("250000.0000" -> "250000"), so a database's scale makes no difference between states.
  const bound = (name: string, value: string | null | undefined) => (value === undefined || value === null || value === '' ? [] : [`${canonicalDecimal(value)} per ${name}`]);
  const bounds = [...bound('item', limit.maxPerItem), ...bound('operation', limit.maxPerOperation), ...bound('user per day', limit.maxPerUserDay)];
  return `${limit.currency} ${bounds.length > 0 ? bounds.join(', ') : 'unlimited'}`;
}

/**
 * The state of the grant of one scope as approvers see it and as drift is checked: absent, or present with its limits
 * ("none" when it has none; "USD 5000 per item, 20000 per operation; EUR ..." in currency order otherwise).
 */
export function grantState(limits: readonly GrantLimitState[] | undefined): Record<string, string> {
  if (limits === undefined) return { grant: 'absent' };
  const text = [...limits].sort((a, b) => a.currency.localeCompare(b.currency)).map(limitText).join('; ');
  return { grant: 'present', limits: text || 'none' };
}

/** The limits a grant.set asks for, in the state's form. */
export function requestedGrantLimits(params: catalogueV1.GrantParams): GrantLimitState[] {
  return params.limits.map((limit) => ({ currency: limit.currency, maxPerItem: limit.maxPerItem ?? null, maxPerOperation: limit.maxPerOperation ?? null, maxPerUserDay: limit.maxPerUserDay ?? null }));
}

/** Whether two states are the same (the drift and read-back rule of grant changes). */
export function sameState(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}
