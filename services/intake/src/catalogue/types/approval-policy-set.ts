import { PLATFORM_TARGETS, policySettingsOf, policyState, sameState } from '@tradewarden/platform-change';
import type { catalogueV1 } from '@tradewarden/proto';
import type { OperationType } from '../operation-type';
import { policyIssues } from './platform-rules';

export const approvalPolicySet: OperationType<catalogueV1.ApprovalPolicyParams> = {
  name: 'approval_policy.set',
  family: 'platform',
  description: 'make the approval policy of this name exist with these settings (which operations, how many approvers, from which roles, how long)',
  platformTarget: PLATFORM_TARGETS.approval,
  params: (spec) => spec.approvalPolicySet,
  validate: (params, at) => policyIssues(params, at),
  targets: () => [{ kind: 'policies' }],
  plan: (params, live, at) => {
    const current = live.policies().find((policy) => policy.name === params.name);
    const before = policyState(current && policySettingsOf(current));
    const after = policyState(policySettingsOf(params));
    return {
      planned: {
        before,
        after,
        change: { approvalPolicyChange: { policy: params, remove: false } },
        revert: { approvalPolicyChange: current ? { policy: current, remove: false } : { policy: params, remove: true } },
        warnings: sameState(before, after) ? [{ field: at, code: 'NO_CHANGE', message: 'the policy already has these settings' }] : [],
      },
    };
  },
};
