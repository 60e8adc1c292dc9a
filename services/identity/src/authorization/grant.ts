import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';

export const Actions = ['submit', 'approve', 'view', 'cancel', 'admin'] as const;
export type Action = (typeof Actions)[number];

export function isAction(value: string): value is Action {
  return (Actions as readonly string[]).includes(value);
}

/** Limits of one currency; a missing bound is unbounded. Amounts are decimal strings with at most 4 fraction digits. */
export interface CurrencyLimit {
  currency: string;
  maxPerItem?: string;
  maxPerOperation?: string;
  maxPerUserDay?: string;
}

/**
 * A role's permission: the action on operation types matching a pattern, within a scope of servers and groups, and
 * within limits. Scopes and limits are optional: a grant without them means what grants meant before they existed.
 */
export interface Grant {
  /** Row id; not part of the policy (the policy version must not depend on which deployment created the rows). */
  id?: string;
  role: string;
  action: Action;
  /** Operation type or glob, e.g. "balance.*", "*", "audit.trail". */
  operationTypePattern: string;
  /** Server registry id or glob; "*" for every server; "" when the grant reaches servers by tag only. */
  serverPattern: string;
  /** Servers carrying any of these registry tags are in scope as well as those matching serverPattern. */
  serverTags?: readonly string[];
  /** MT group masks ("real*"; "!real\vip*" excludes); empty: every group. */
  groupMasks?: readonly string[];
  /** Per-currency limits; empty: no limit. With limits, a currency that has none is not allowed. */
  limits?: readonly CurrencyLimit[];
}

/** Cedar's decimal holds 4 fraction digits; limits are stored with at most that many (numeric(18,4)). */
export const CEDAR_DECIMAL_SCALE = 4;
const CURRENCY = /^[A-Z]{3}$/;

export interface ParsedLimit {
  currency: string;
  maxPerItem?: DecimalAmount;
  maxPerOperation?: DecimalAmount;
  maxPerUserDay?: DecimalAmount;
}

export class InvalidGrantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidGrantError';
  }
}

function parseBound(currency: string, kind: string, text: string | undefined): DecimalAmount | undefined {
  if (text === undefined) return undefined;
  let amount: DecimalAmount;
  try {
    amount = DecimalAmount.parse(text, CEDAR_DECIMAL_SCALE);
  } catch (error) {
    if (error instanceof DecimalFormatError) throw new InvalidGrantError(`${currency} ${kind} limit: ${error.message}`);
    throw error;
  }
  if (amount.isNegative()) throw new InvalidGrantError(`${currency} ${kind} limit must not be negative`);
  return amount;
}

/** The grant's limits as exact decimals; throws InvalidGrantError for a grant that must not be compiled. */
export function parseLimits(grant: Grant): ParsedLimit[] {
  const seen = new Set<string>();
  return (grant.limits ?? []).map((limit) => {
    if (!CURRENCY.test(limit.currency)) throw new InvalidGrantError(`limit currency "${limit.currency}" is not an ISO 4217 code`);
    if (seen.has(limit.currency)) throw new InvalidGrantError(`two limits for ${limit.currency}`);
    seen.add(limit.currency);
    return {
      currency: limit.currency,
      maxPerItem: parseBound(limit.currency, 'per-item', limit.maxPerItem),
      maxPerOperation: parseBound(limit.currency, 'per-operation', limit.maxPerOperation),
      maxPerUserDay: parseBound(limit.currency, 'per-user-day', limit.maxPerUserDay),
    };
  });
}

/** Checks what the database cannot: patterns that say nothing, scopes that reach nothing. */
export function validateGrant(grant: Grant): ParsedLimit[] {
  if (!grant.role) throw new InvalidGrantError('role is empty');
  if (!isAction(grant.action)) throw new InvalidGrantError(`unknown action "${String(grant.action)}"`);
  if (!grant.operationTypePattern) throw new InvalidGrantError('operation type pattern is empty');
  if (!grant.serverPattern && (grant.serverTags ?? []).length === 0) throw new InvalidGrantError('no server pattern and no server tag: the grant reaches no server');
  if ((grant.serverTags ?? []).some((tag) => !tag)) throw new InvalidGrantError('empty server tag');
  if ((grant.groupMasks ?? []).some((mask) => !mask || mask === '!')) throw new InvalidGrantError('empty group mask');
  return parseLimits(grant);
}

function formatBound(amount: DecimalAmount): string {
  return amount.format(2);
}

/** A limit for people: "5000.00 USD/item 50000.00 USD/operation". */
export function describeLimit(limit: ParsedLimit): string {
  const bounds = [
    limit.maxPerItem && `${formatBound(limit.maxPerItem)}/item`,
    limit.maxPerOperation && `${formatBound(limit.maxPerOperation)}/operation`,
    limit.maxPerUserDay && `${formatBound(limit.maxPerUserDay)}/day`,
  ].filter(Boolean);
  return `${limit.currency} ${bounds.length > 0 ? bounds.join(' ') : 'unbounded'}`;
}

/** WhoAmI's short form, unchanged since before scopes: "action:type" or "action:type@server". */
export function shortPermission(grant: Grant): string {
  const servers = [...(grant.serverPattern ? [grant.serverPattern] : []), ...(grant.serverTags ?? []).map((tag) => `tag:${tag}`)];
  const where = servers.length === 1 && servers[0] === '*' ? '' : `@${servers.join(',')}`;
  return `${grant.action}:${grant.operationTypePattern}${where}`;
}

/** WhoAmI's full form: the short form, then groups and limits when the grant has them. */
export function scopedPermission(grant: Grant): string {
  const parts = [shortPermission(grant)];
  if ((grant.groupMasks ?? []).length > 0) parts.push(`groups ${grant.groupMasks!.join(',')}`);
  let limits: ParsedLimit[] = [];
  try {
    limits = parseLimits(grant);
  } catch (error) {
    if (!(error instanceof InvalidGrantError)) throw error;
    parts.push(`(invalid: ${error.message})`);
  }
  if (limits.length > 0) parts.push(`limits ${limits.map(describeLimit).join(', ')}`);
  return parts.join(' ');
}
