import { PLATFORM_TARGETS, policySettingsOf, policyState } from '@tradewarden/platform-change';
import { catalogueV1 } from '@tradewarden/proto';
import type { Issue, OperationType } from '../operation-type';
import { policyNameIssue } from './platform-rules';

export const approvalPolicyDelete: OperationType<catalogueV1.ApprovalPolicyDeleteParams> = {
  name: 'approval_policy.delete',
  family: 'platform',
  description: 'remove the approval policy of this name (operations it covered fall to the next policy by priority)',
  platformTarget: PLATFORM_TARGETS.approval,
  params: (spec) => spec.approvalPolicyDelete,
  validate: (params, at) => [policyNameIssue(params.name, at)].filter((found): found is Issue => found !== undefined),
  targets: () => [{ kind: 'policies' }],
  plan: (params, live, at) => {
    const current = live.policies().find((policy) => policy.name === params.name);
    if (!current) return { errors: [{ field: `${at}.name`, code: 'POLICY_NOT_FOUND', message: `no approval policy "${params.name}"` }] };
    return {
      planned: {
        before: policyState(policySettingsOf(current)),
        after: policyState(undefined),
        change: { approvalPolicyChange: { policy: catalogueV1.ApprovalPolicyParams.fromPartial({ name: params.name }), remove: true } },
        revert: { approvalPolicyChange: { policy: current, remove: false } },
        warnings: [],
      },
    };
  },
};
