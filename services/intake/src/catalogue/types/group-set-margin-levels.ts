import { groupSnapshot } from '@tradewarden/mt-change';
import { DecimalAmount } from '@tradewarden/money';
import type { catalogueV1 } from '@tradewarden/proto';
import { groupPath, intInRange, price } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { groupUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.GroupMarginLevelsParams;

export const groupSetMarginLevels: OperationType<Params> = {
  name: 'group.set_margin_levels',
  family: 'groups',
  description: "change a group's margin call and stop-out levels (and their unit)",
  params: (spec) => spec.groupSetMarginLevels,
  validate: (params, at) =>
    [
      groupPath(params.group, `${at}.group`),
      price(params.marginCall, `${at}.margin_call`),
      price(params.marginStopOut, `${at}.margin_stop_out`),
      params.marginSoMode === undefined ? undefined : intInRange(params.marginSoMode, `${at}.margin_so_mode`, 0, 1, '0 percent, 1 money'),
    ].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'group', group: params.group }],
  plan: (params, live, at) => {
    const group = live.group(params.group);
    if (!group) return notFound(`${at}.group`, `group ${params.group}`, live.serverId);
    const mode = params.marginSoMode ?? group.marginSoMode;
    const errors: Issue[] = [];
    if (mode === 0 && DecimalAmount.parse(params.marginStopOut, 8).compare(DecimalAmount.parse(params.marginCall, 8)) >= 0) {
      errors.push({ field: `${at}.margin_stop_out`, code: 'STOP_OUT_NOT_BELOW_MARGIN_CALL', message: `in percent, the stop-out (${params.marginStopOut}) must be below the margin call (${params.marginCall})` });
    }
    if (live.platform === 'mt4' && [params.marginCall, params.marginStopOut].some((value) => value.includes('.'))) {
      errors.push({ field: `${at}.margin_call`, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 margin levels are whole numbers' });
    }
    if (errors.length > 0) return { errors };
    const set: Record<string, string> = { margin_call: params.marginCall, margin_stop_out: params.marginStopOut };
    if (params.marginSoMode !== undefined) set['margin_so_mode'] = String(params.marginSoMode);
    const planned = recordUpdatePlan('group', groupSnapshot(group), set, groupUpdate(params.group));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
