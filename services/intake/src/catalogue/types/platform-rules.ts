import { grantScopeKey, grantScopeOf, type GrantLimitState } from '@tradewarden/platform-change';
import type { catalogueV1, identityV1 } from '@tradewarden/proto';
import type { Issue } from '../operation-type';

const ROLE = /^[a-z][a-z0-9_-]{0,62}$/;
const ACTIONS = ['submit', 'approve', 'view', 'cancel', 'admin'];
const TYPE_PATTERN = /^[a-z*][a-z0-9_.*]{0,99}$/;
const SERVER_PATTERN = /^[a-z0-9*][a-z0-9*-]{0,62}$/;
const TAG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const POLICY_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
// Identity compares limits with Cedar's decimal, which has four fraction digits: a limit is stored exactly or refused.
const LIMIT = /^\d{1,14}(\.\d{1,4})?$/;

const issue = (field: string, code: string, message: string): Issue => ({ field, code, message });

function groupMaskIssues(masks: readonly string[], at: string): Issue[] {
  return masks.flatMap((mask, index) => (mask.replace(/^!/, '').length === 0 || mask.length > 64 ? [issue(`${at}[${index}]`, 'FORMAT', 'an MT group mask, e.g. "real*" or "!real\\\\vip*"')] : []));
}

/** The scope of a grant: who (role), what (action, operation types), where (servers or tags, groups). */
export function grantScopeIssues(params: catalogueV1.GrantParams, at: string): Issue[] {
  const issues: Issue[] = [];
  if (!ROLE.test(params.role)) issues.push(issue(`${at}.role`, 'FORMAT', 'a Keycloak realm role, e.g. "ops-agent"'));
  if (!ACTIONS.includes(params.action)) issues.push(issue(`${at}.action`, 'UNKNOWN', `one of ${ACTIONS.join(', ')}`));
  if (!TYPE_PATTERN.test(params.operationTypePattern)) issues.push(issue(`${at}.operation_type_pattern`, 'FORMAT', 'an operation type or glob, e.g. "balance.*" or "*"'));
  if (params.serverPattern === '' && params.serverTags.length === 0) issues.push(issue(`${at}.server_pattern`, 'REQUIRED', 'a server id or glob ("*": every server), or server_tags'));
  else if (params.serverPattern !== '' && !SERVER_PATTERN.test(params.serverPattern)) issues.push(issue(`${at}.server_pattern`, 'FORMAT', 'a server registry id or glob'));
  params.serverTags.forEach((tag, index) => {
    if (!TAG.test(tag)) issues.push(issue(`${at}.server_tags[${index}]`, 'FORMAT', 'a registry tag (lower-case letters, digits, dashes)'));
  });
  return [...issues, ...groupMaskIssues(params.groupMasks, `${at}.group_masks`)];
}

export function grantLimitIssues(params: catalogueV1.GrantParams, at: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  params.limits.forEach((limit, index) => {
    const field = `${at}.limits[${index}]`;
    if (!/^[A-Z]{3}$/.test(limit.currency)) issues.push(issue(`${field}.currency`, 'FORMAT', 'an ISO 4217 code, e.g. "USD"'));
    else if (seen.has(limit.currency)) issues.push(issue(`${field}.currency`, 'DUPLICATE', `${limit.currency} is limited twice`));
    seen.add(limit.currency);
    for (const [name, value] of [
      ['max_per_item', limit.maxPerItem],
      ['max_per_operation', limit.maxPerOperation],
      ['max_per_user_day', limit.maxPerUserDay],
    ] as const) {
      if (value !== undefined && !LIMIT.test(value)) issues.push(issue(`${field}.${name}`, 'FORMAT', 'a non-negative decimal with at most 4 fraction digits'));
    }
  });
  return issues;
}

/** The grant in force with the same scope as the params, if any. */
export function grantInForce(grants: readonly identityV1.GrantRecord[], params: catalogueV1.GrantParams): catalogueV1.GrantParams | undefined {
  const key = grantScopeKey(grantScopeOf(params));
  return grants.map((record) => record.grant).find((grant): grant is catalogueV1.GrantParams => grant !== undefined && grantScopeKey(grantScopeOf(grant)) === key);
}

export function limitsOf(grant: catalogueV1.GrantParams): GrantLimitState[] {
  return grant.limits.map((limit) => ({ currency: limit.currency, maxPerItem: limit.maxPerItem ?? null, maxPerOperation: limit.maxPerOperation ?? null, maxPerUserDay: limit.maxPerUserDay ?? null }));
}

export function policyNameIssue(name: string, at: string): Issue | undefined {
  return POLICY_NAME.test(name) ? undefined : issue(`${at}.name`, 'FORMAT', 'lower-case letters, digits and dashes, 2-63 characters');
}

export function policyIssues(params: catalogueV1.ApprovalPolicyParams, at: string): Issue[] {
  const issues: Issue[] = [];
  const nameIssue = policyNameIssue(params.name, at);
  if (nameIssue) issues.push(nameIssue);
  if (!TYPE_PATTERN.test(params.operationTypePattern)) issues.push(issue(`${at}.operation_type_pattern`, 'FORMAT', 'an operation type or glob, e.g. "balance.*" or "*"'));
  if (params.mode !== 'AUTO' && params.mode !== 'MANUAL') issues.push(issue(`${at}.mode`, 'UNKNOWN', 'AUTO or MANUAL'));
  else if (params.mode === 'AUTO' && params.requiredApprovals !== 0) issues.push(issue(`${at}.required_approvals`, 'RANGE', 'an AUTO policy takes no approvals (0)'));
  else if (params.mode === 'MANUAL' && (params.requiredApprovals < 1 || params.requiredApprovals > 10)) issues.push(issue(`${at}.required_approvals`, 'RANGE', '1-10 approvals'));
  if (params.maxTotalPerCurrency !== undefined && !/^\d{1,22}(\.\d{1,8})?$/.test(params.maxTotalPerCurrency)) issues.push(issue(`${at}.max_total_per_currency`, 'FORMAT', 'a non-negative decimal'));
  if (!Number.isInteger(params.priority) || params.priority < 0 || params.priority > 1_000_000) issues.push(issue(`${at}.priority`, 'RANGE', '0-1,000,000 (lower is considered first)'));
  if (params.serverPattern !== '' && !SERVER_PATTERN.test(params.serverPattern)) issues.push(issue(`${at}.server_pattern`, 'FORMAT', 'a server registry id or glob ("" or "*": every server)'));
  params.serverTags.forEach((tag, index) => {
    if (!TAG.test(tag)) issues.push(issue(`${at}.server_tags[${index}]`, 'FORMAT', 'a registry tag (lower-case letters, digits, dashes)'));
  });
  issues.push(...groupMaskIssues(params.groupMasks, `${at}.group_masks`));
  if (params.maxAccounts !== undefined && (params.maxAccounts < 1 || !Number.isInteger(params.maxAccounts))) issues.push(issue(`${at}.max_accounts`, 'RANGE', 'at least 1'));
  params.approverRoles.forEach((role, index) => {
    if (!ROLE.test(role)) issues.push(issue(`${at}.approver_roles[${index}]`, 'FORMAT', 'a Keycloak realm role'));
  });
  if (params.ttlSeconds !== undefined && (params.ttlSeconds < 60 || params.ttlSeconds > 90 * 86_400)) issues.push(issue(`${at}.ttl_seconds`, 'RANGE', '60 seconds to 90 days'));
  return issues;
}
