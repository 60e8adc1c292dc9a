import { createHash } from 'node:crypto';
import { validate } from './cedar-wasm';
import type { DecimalAmount } from '@tradewarden/money';
import { InvalidGrantError, scopedPermission, validateGrant, type Grant, type ParsedLimit } from './grant';

/**
 * The vocabulary the compiled policies speak. Principals are users in their Keycloak roles; the resource is the item
 * asked about, a member of its server, which is a member of its registry tags (so "resource in ServerTag" is a tag
 * scope). The context says whether the request describes an item (then group masks and limits apply) and what money
 * the item moves; amounts are Cedar decimals (4 fraction digits).
 */
export const CEDAR_SCHEMA = `namespace Tradewarden {
  entity Role;
  entity User in [Role];
  entity ServerTag;
  entity Server in [ServerTag];
  entity Item in [Server] { operationType: String, serverId: String, group?: String };
  type Money = { currency: String, amount: __cedar::decimal, operationTotal: __cedar::decimal, dayTotal: __cedar::decimal };
  action submit, approve, view, cancel, admin appliesTo {
    principal: User,
    resource: Item,
    context: { checkItem: Bool, money?: Money }
  };
}
`;

export const CEDAR_TYPES = {
  user: 'Tradewarden::User',
  role: 'Tradewarden::Role',
  action: 'Tradewarden::Action',
  item: 'Tradewarden::Item',
  server: 'Tradewarden::Server',
  serverTag: 'Tradewarden::ServerTag',
} as const;

export interface CompiledGrant {
  policyId: string;
  grant: Grant;
  /** Limits at Cedar's scale, for explaining which one a denied item exceeded. */
  limits: ParsedLimit[];
}

export interface CompiledPolicySet {
  /** Digest of `text`: recorded with every decision taken under this set. */
  version: string;
  /** The whole policy set as Cedar text, one permit per grant, in a canonical order. */
  text: string;
  /** Each grant's permit by policy id (what Cedar evaluates). */
  policies: Record<string, string>;
  /** The same permits without their limit conditions: a denied request they allow was denied by a limit. */
  scopePolicies: Record<string, string>;
  grants: ReadonlyMap<string, CompiledGrant>;
  /**
   * Every per-item limit of the set, ascending and distinct (at Cedar's scale). An item's amount is only ever compared
   * with these (amount <= limit), so two items alike in everything but their amounts, whose amounts fall between the
   * same two of these points, get the same decision: batch evaluation asks Cedar once per such interval.
   */
  itemLimitPoints: readonly DecimalAmount[];
  /** Grants that could not be compiled; they grant nothing (deny by default), and the service logs them. */
  rejected: { grant: Grant; problem: string }[];
}

/** A Cedar string literal; also a `like` pattern, where an unescaped `*` stays the wildcard. */
export function cedarString(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '\\') escaped += '\\\\';
    else if (char === '"') escaped += '\\"';
    else if (code < 0x20 || code === 0x7f) escaped += `\\u{${code.toString(16)}}`;
    else escaped += char;
  }
  return `"${escaped}"`;
}

/** Control characters would end a `//` comment line early; they become "?". */
function commentText(value: string): string {
  return [...value].map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? '?' : char)).join('');
}

const allStars = (pattern: string) => /^\*+$/.test(pattern);

/** Exact values compare with ==, globs with like (our globs' only wildcard is `*`, as in Cedar's like). */
function matches(expression: string, pattern: string): string {
  return pattern.includes('*') ? `${expression} like ${cedarString(pattern)}` : `${expression} == ${cedarString(pattern)}`;
}

function decimal(amount: DecimalAmount): string {
  return `decimal("${amount.toString()}")`;
}

function canonicalKey(grant: Grant, limits: readonly ParsedLimit[]): string {
  return JSON.stringify([
    grant.role,
    grant.action,
    grant.operationTypePattern,
    grant.serverPattern,
    [...(grant.serverTags ?? [])].sort(),
    [...(grant.groupMasks ?? [])].sort(),
    [...limits]
      .sort((a, b) => a.currency.localeCompare(b.currency))
      .map((limit) => [limit.currency, limit.maxPerItem?.toString() ?? null, limit.maxPerOperation?.toString() ?? null, limit.maxPerUserDay?.toString() ?? null]),
  ]);
}

function serverCondition(grant: Grant): string | undefined {
  if (allStars(grant.serverPattern)) return undefined;
  const alternatives = [
    ...(grant.serverPattern ? [matches('resource.serverId', grant.serverPattern)] : []),
    ...[...(grant.serverTags ?? [])].sort().map((tag) => `resource in ${CEDAR_TYPES.serverTag}::${cedarString(tag)}`),
  ];
  return alternatives.join(' || ');
}

function groupCondition(grant: Grant): string | undefined {
  const masks = [...(grant.groupMasks ?? [])].sort();
  if (masks.length === 0) return undefined;
  const included = masks.filter((mask) => !mask.startsWith('!')).map((mask) => matches('resource.group', mask));
  const excluded = masks.filter((mask) => mask.startsWith('!')).map((mask) => `!(${matches('resource.group', mask.slice(1))})`);
  const terms = ['resource has group', ...(included.length > 0 ? [`(${included.join(' || ')})`] : []), ...excluded];
  return `!context.checkItem || (${terms.join(' && ')})`;
}

function limitCondition(limits: readonly ParsedLimit[]): string | undefined {
  if (limits.length === 0) return undefined;
  const perCurrency = [...limits]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((limit) => {
      const terms = [`context.money.currency == ${cedarString(limit.currency)}`];
      if (limit.maxPerItem) terms.push(`context.money.amount.lessThanOrEqual(${decimal(limit.maxPerItem)})`);
      if (limit.maxPerOperation) terms.push(`context.money.operationTotal.lessThanOrEqual(${decimal(limit.maxPerOperation)})`);
      if (limit.maxPerUserDay) terms.push(`context.money.dayTotal.lessThanOrEqual(${decimal(limit.maxPerUserDay)})`);
      return `(${terms.join(' && ')})`;
    });
  return `!context.checkItem || (context has money && (${perCurrency.join(' || ')}))`;
}

function permit(policyId: string, grant: Grant, conditions: readonly (string | undefined)[]): string {
  const comment = commentText(`// ${grant.role}: ${scopedPermission(grant)}`);
  const head = [
    comment,
    `@id(${cedarString(policyId)})`,
    'permit (',
    `  principal in ${CEDAR_TYPES.role}::${cedarString(grant.role)},`,
    `  action == ${CEDAR_TYPES.action}::${cedarString(grant.action)},`,
    `  resource is ${CEDAR_TYPES.item}`,
    ')',
  ];
  const whens = conditions.filter((condition): condition is string => condition !== undefined).map((condition) => `when { ${condition} }`);
  return `${[...head, ...whens].join('\n')};`;
}

interface Candidate {
  policyId: string;
  grant: Grant;
  limits: ParsedLimit[];
  full: string;
  scope: string;
}

function candidatesOf(grants: readonly Grant[], rejected: CompiledPolicySet['rejected']): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const given of grants) {
    // Order within a scope means nothing; normalized, it cannot change the text (or the version) either.
    const grant: Grant = {
      ...given,
      serverTags: [...(given.serverTags ?? [])].sort(),
      groupMasks: [...(given.groupMasks ?? [])].sort(),
      limits: [...(given.limits ?? [])].sort((a, b) => a.currency.localeCompare(b.currency)),
    };
    let limits: ParsedLimit[];
    try {
      limits = validateGrant(grant);
    } catch (error) {
      if (!(error instanceof InvalidGrantError)) throw error;
      rejected.push({ grant: given, problem: error.message });
      continue;
    }
    // Content-derived ids: the same grants compile to the same text (and version) in every deployment.
    const policyId = `grant-${createHash('sha256').update(canonicalKey(grant, limits)).digest('hex').slice(0, 12)}`;
    if (byId.has(policyId)) continue;
    const type = allStars(grant.operationTypePattern) ? undefined : matches('resource.operationType', grant.operationTypePattern);
    const scope = [type, serverCondition(grant), groupCondition(grant)];
    byId.set(policyId, { policyId, grant: given, limits, full: permit(policyId, grant, [...scope, limitCondition(limits)]), scope: permit(policyId, grant, scope) });
  }
  return [...byId.values()].sort((a, b) => a.policyId.localeCompare(b.policyId));
}

/**
 * Compiles grants into a Cedar policy set: one permit per grant, no forbids (deny by default: what no grant permits
 * is denied). Each permit is validated against CEDAR_SCHEMA; a grant whose permit does not validate is rejected, as
 * is one InvalidGrantError refuses, and grants nothing.
 */
export function compilePolicySet(grants: readonly Grant[]): CompiledPolicySet {
  const rejected: CompiledPolicySet['rejected'] = [];
  let candidates = candidatesOf(grants, rejected);
  const answer = validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: Object.fromEntries(candidates.map((c) => [c.policyId, c.full])) }, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') throw new Error(`Cedar schema or policies unreadable: ${answer.errors.map((error) => error.message).join('; ')}`);
  if (answer.validationErrors.length > 0) {
    const invalid = new Map(answer.validationErrors.map((error) => [error.policyId, error.error.message]));
    for (const candidate of candidates) if (invalid.has(candidate.policyId)) rejected.push({ grant: candidate.grant, problem: `Cedar validation: ${invalid.get(candidate.policyId)!}` });
    candidates = candidates.filter((candidate) => !invalid.has(candidate.policyId));
  }
  const text = candidates.map((candidate) => candidate.full).join('\n\n');
  const points = new Map<bigint, DecimalAmount>();
  for (const candidate of candidates) for (const limit of candidate.limits) if (limit.maxPerItem) points.set(limit.maxPerItem.units, limit.maxPerItem);
  return {
    version: createHash('sha256').update(text).digest('hex').slice(0, 16),
    text,
    policies: Object.fromEntries(candidates.map((candidate) => [candidate.policyId, candidate.full])),
    scopePolicies: Object.fromEntries(candidates.map((candidate) => [candidate.policyId, candidate.scope])),
    grants: new Map(candidates.map((candidate) => [candidate.policyId, { policyId: candidate.policyId, grant: candidate.grant, limits: candidate.limits }])),
    itemLimitPoints: [...points.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, amount]) => amount),
    rejected,
  };
}
