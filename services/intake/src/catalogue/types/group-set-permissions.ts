import { groupSnapshot } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { groupPath } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { groupUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.GroupPermissionsParams;

const MAX_FLAGS = 0xffffffff;

function flags(value: string | undefined, field: string): Issue | undefined {
  if (value === undefined) return undefined;
  return /^\d{1,10}$/.test(value) && Number(value) <= MAX_FLAGS ? undefined : { field, code: 'RANGE', message: `must be a bit field 0-${MAX_FLAGS}` };
}

export const groupSetPermissions: OperationType<Params> = {
  name: 'group.set_permissions',
  family: 'groups',
  description: "change a group's permission and trade flags (MT5 IMTConGroup::PermissionsFlags, TradeFlags)",
  params: (spec) => spec.groupSetPermissions,
  validate: (params, at) => {
    const issues = [groupPath(params.group, `${at}.group`), flags(params.permissionsFlags, `${at}.permissions_flags`), flags(params.tradeFlags, `${at}.trade_flags`)].filter(
      (issue): issue is Issue => issue !== undefined,
    );
    if (params.permissionsFlags === undefined && params.tradeFlags === undefined) issues.push({ field: at, code: 'REQUIRED', message: 'name permissions_flags, trade_flags or both' });
    return issues;
  },
  targets: (params) => [{ kind: 'group', group: params.group }],
  plan: (params, live, at) => {
    if (live.platform === 'mt4') return { errors: [{ field: at, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 groups have no permission or trade flags of this kind' }] };
    const group = live.group(params.group);
    if (!group) return notFound(`${at}.group`, `group ${params.group}`, live.serverId);
    const set: Record<string, string> = {};
    if (params.permissionsFlags !== undefined) set['permissions_flags'] = String(Number(params.permissionsFlags));
    if (params.tradeFlags !== undefined) set['trade_flags'] = String(Number(params.tradeFlags));
    const planned = recordUpdatePlan('group', groupSnapshot(group), set, groupUpdate(params.group));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
