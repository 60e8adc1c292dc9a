import { canonicalDecimal } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';

/** An approval policy's settings as stored (the approval service's row, or what an approval_policy.set asks for). */
export interface PolicySettings {
  name: string;
  operationTypePattern: string;
  mode: string;
  requiredApprovals: number;
  maxTotalPerCurrency: string | null;
  priority: number;
  serverPattern: string;
  serverTags: readonly string[];
  groupMasks: readonly string[];
  maxAccounts: number | null;
  approverRoles: readonly string[];
  ttlSeconds: number | null;
}

export function policySettingsOf(params: catalogueV1.ApprovalPolicyParams): PolicySettings {
  return {
    name: params.name,
    operationTypePattern: params.operationTypePattern,
    mode: params.mode,
    requiredApprovals: params.requiredApprovals,
    maxTotalPerCurrency: params.maxTotalPerCurrency ?? null,
    priority: params.priority,
    serverPattern: params.serverPattern || '*',
    serverTags: params.serverTags,
    groupMasks: params.groupMasks,
    maxAccounts: params.maxAccounts ?? null,
    approverRoles: params.approverRoles,
    ttlSeconds: params.ttlSeconds ?? null,
  };
}

/** The state of the policy of one name as approvers see it and as drift is checked: absent, or each setting as text. */
export function policyState(policy: PolicySettings | undefined): Record<string, string> {
  if (!policy) return { policy: 'absent' };
  return {
    policy: 'present',
    operation_type_pattern: policy.operationTypePattern,
    mode: policy.mode,
    required_approvals: String(policy.requiredApprovals),
    max_total_per_currency: policy.maxTotalPerCurrency === null ? 'none' : canonicalDecimal(policy.maxTotalPerCurrency),
    priority: String(policy.priority),
    server_pattern: policy.serverPattern,
    server_tags: [...policy.serverTags].sort().join(',') || 'any',
    group_masks: [...policy.groupMasks].join(',') || 'any',
    max_accounts: policy.maxAccounts === null ? 'any' : String(policy.maxAccounts),
    approver_roles: [...policy.approverRoles].join(',') || 'any',
    ttl_seconds: policy.ttlSeconds === null ? 'default' : String(policy.ttlSeconds),
  };
}
