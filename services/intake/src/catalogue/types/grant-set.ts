import { grantState, PLATFORM_TARGETS, requestedGrantLimits, sameState } from '@tradewarden/platform-change';
import type { catalogueV1 } from '@tradewarden/proto';
import type { OperationType } from '../operation-type';
import { grantInForce, grantLimitIssues, grantScopeIssues, limitsOf } from './platform-rules';

export const grantSet: OperationType<catalogueV1.GrantParams> = {
  name: 'grant.set',
  family: 'platform',
  description: "make a role's grant (action on operation types, within servers and groups) exist with these limits",
  platformTarget: PLATFORM_TARGETS.identity,
  params: (spec) => spec.grantSet,
  validate: (params, at) => [...grantScopeIssues(params, at), ...grantLimitIssues(params, at)],
  targets: () => [{ kind: 'grants' }],
  plan: (params, live, at) => {
    const current = grantInForce(live.grants(), params);
    const before = grantState(current && limitsOf(current));
    const after = grantState(requestedGrantLimits(params));
    return {
      planned: {
        before,
        after,
        change: { grantChange: { grant: params, revoke: false } },
        // Back to the limits it had, or gone again if it is new.
        revert: { grantChange: current ? { grant: current, revoke: false } : { grant: params, revoke: true } },
        warnings: sameState(before, after) ? [{ field: at, code: 'NO_CHANGE', message: 'the grant already exists with these limits' }] : [],
      },
    };
  },
};
