import { grantState, PLATFORM_TARGETS } from '@tradewarden/platform-change';
import type { catalogueV1 } from '@tradewarden/proto';
import type { OperationType } from '../operation-type';
import { grantInForce, grantScopeIssues, limitsOf } from './platform-rules';

export const grantRevoke: OperationType<catalogueV1.GrantParams> = {
  name: 'grant.revoke',
  family: 'platform',
  description: "remove a role's grant, named by its scope (role, action, operation types, servers, tags, groups)",
  platformTarget: PLATFORM_TARGETS.identity,
  params: (spec) => spec.grantRevoke,
  validate: (params, at) => [
    ...grantScopeIssues(params, at),
    ...(params.limits.length > 0 ? [{ field: `${at}.limits`, code: 'NOT_ALLOWED', message: 'a revoke names the grant by its scope only' }] : []),
  ],
  targets: () => [{ kind: 'grants' }],
  plan: (params, live, at) => {
    const current = grantInForce(live.grants(), params);
    if (!current) return { errors: [{ field: at, code: 'GRANT_NOT_FOUND', message: 'no grant with this scope exists (role, action, operation type pattern, servers, tags and groups must all match)' }] };
    return {
      planned: {
        before: grantState(limitsOf(current)),
        after: grantState(undefined),
        change: { grantChange: { grant: params, revoke: true } },
        revert: { grantChange: { grant: current, revoke: false } },
        warnings: [],
      },
    };
  },
};
