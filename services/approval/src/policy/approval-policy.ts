import { DecimalAmount } from '@tradewarden/money';
import { plainAmount, type PlanFacts } from './plan-facts';

export interface ApprovalPolicy {
  name: string;
  /** Operation type or glob ("balance.*", "*"). */
  operationTypePattern: string;
  /** AUTO approves without a person; MANUAL waits for requiredApprovals distinct approvers. */
  mode: 'AUTO' | 'MANUAL';
  requiredApprovals: number;
  /** The policy applies only while the operation's total per currency stays at or below this amount (null: no cap). */
  maxTotalPerCurrency: string | null;
  /** Lower is considered first. */
  priority: number;
  /** Server ids (glob) the policy covers: every item's server must match. */
  serverPattern: string;
  /** Registry tags; when set, every item's server must carry one of them. */
  serverTags: readonly string[];
  /** MT group masks (`*` wildcards, a leading `!` excludes); when set, every item's group must match. */
  groupMasks: readonly string[];
  /** The policy applies only while the plan touches at most this many accounts (null: any number). */
  maxAccounts: number | null;
  /** An approver must hold one of these roles (empty: any role with the approve permission). */
  approverRoles: readonly string[];
  /** How long a request waits for approvals, in seconds (null: the service's default). */
  ttlSeconds: number | null;
}

/** `*` matches any run of characters; everything else matches itself. */
export const globMatches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** MT's group mask rule: some positive mask matches and no "!" mask does; with only exclusions, everything else matches. */
export function groupMatchesMasks(masks: readonly string[], group: string): boolean {
  const excluded = masks.filter((mask) => mask.startsWith('!')).some((mask) => globMatches(mask.slice(1), group));
  if (excluded) return false;
  const included = masks.filter((mask) => !mask.startsWith('!'));
  return included.length === 0 || included.some((mask) => globMatches(mask, group));
}

/** The registry tags of each server, as the approval service learned them from the registry's events. */
export type ServerTags = ReadonlyMap<string, readonly string[]>;

/** Why a policy does not apply to a plan; undefined when it does. */
export function policyMismatch(policy: ApprovalPolicy, facts: PlanFacts, serverTags: ServerTags = new Map()): string | undefined {
  if (!globMatches(policy.operationTypePattern, facts.operationType)) return `covers ${policy.operationTypePattern}, not ${facts.operationType}`;
  const outside = [...facts.serverIds].find((serverId) => !globMatches(policy.serverPattern, serverId));
  if (outside !== undefined) return `covers servers ${policy.serverPattern}, not ${outside}`;
  if (policy.serverTags.length > 0) {
    const untagged = [...facts.serverIds].find((serverId) => !(serverTags.get(serverId) ?? []).some((tag) => policy.serverTags.includes(tag)));
    if (untagged !== undefined) return `covers servers tagged ${policy.serverTags.join(',')}, not ${untagged}`;
  }
  if (policy.groupMasks.length > 0) {
    const group = [...facts.groups].find((candidate) => !candidate || !groupMatchesMasks(policy.groupMasks, candidate));
    if (group !== undefined) return `covers groups ${policy.groupMasks.join(',')}, not ${group || '(an item without a group)'}`;
  }
  if (policy.maxAccounts !== null && facts.accounts > policy.maxAccounts) return `covers at most ${policy.maxAccounts} accounts, not ${facts.accounts}`;
  if (policy.maxTotalPerCurrency !== null) {
    const cap = DecimalAmount.parse(policy.maxTotalPerCurrency, 8);
    const over = [...facts.totals].find(([, total]) => total.compare(cap) > 0);
    if (over) return `covers at most ${policy.maxTotalPerCurrency} per currency, not ${plainAmount(over[1])} ${over[0]}`;
  }
  return undefined;
}

const DEFAULT_MANUAL: ApprovalPolicy = {
  name: 'default-manual',
  operationTypePattern: '*',
  mode: 'MANUAL',
  requiredApprovals: 1,
  maxTotalPerCurrency: null,
  priority: Number.MAX_SAFE_INTEGER,
  serverPattern: '*',
  serverTags: [],
  groupMasks: [],
  maxAccounts: null,
  approverRoles: [],
  ttlSeconds: null,
};

/**
 * The policy in force for a plan: the one its template names if that policy applies to the plan, otherwise the first by
 * priority that applies (type, servers by id or tag, groups, accounts, money). With no match the operation needs one manual
 * approval: nothing is auto-approved by default.
 */
export function choosePolicy(policies: readonly ApprovalPolicy[], facts: PlanFacts, requestedPolicy = '', serverTags: ServerTags = new Map()): ApprovalPolicy {
  const requested = policies.find((policy) => policy.name === requestedPolicy);
  if (requested && !policyMismatch(requested, facts, serverTags)) return requested;
  const candidates = [...policies].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  return candidates.find((policy) => !policyMismatch(policy, facts, serverTags)) ?? DEFAULT_MANUAL;
}
