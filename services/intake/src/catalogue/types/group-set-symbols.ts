import { groupSnapshot } from '@tradewarden/mt-change';
import { matchesGroupMask } from '@tradewarden/mt5-webapi-protocol';
import type { catalogueV1 } from '@tradewarden/proto';
import { groupPath, symbolPath } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { groupUpdate, notFound, recordUpdatePlan } from '../plan-builders';

type Params = catalogueV1.GroupSymbolsParams;

export const groupSetSymbols: OperationType<Params> = {
  name: 'group.set_symbols',
  family: 'groups',
  description: "add symbol paths to a group's list or remove them (the group's other entries keep their settings)",
  params: (spec) => spec.groupSetSymbols,
  validate: (params, at) => {
    const issues = [
      groupPath(params.group, `${at}.group`),
      ...params.add.map((path, index) => symbolPath(path, `${at}.add[${index}]`)),
      ...params.remove.map((path, index) => symbolPath(path, `${at}.remove[${index}]`)),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (params.add.length + params.remove.length === 0) issues.push({ field: at, code: 'REQUIRED', message: 'name symbol paths to add or remove' });
    params.add.forEach((path, index) => {
      if (params.remove.includes(path)) issues.push({ field: `${at}.add[${index}]`, code: 'CONFLICT', message: `"${path}" is both added and removed` });
    });
    return issues;
  },
  targets: (params) => [{ kind: 'group', group: params.group }, { kind: 'all-symbols' }],
  plan: (params, live, at) => {
    if (live.platform === 'mt4') return { errors: [{ field: at, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 groups enable security groups, not symbol paths' }] };
    const group = live.group(params.group);
    if (!group) return notFound(`${at}.group`, `group ${params.group}`, live.serverId);
    const errors: Issue[] = [];
    const warnings: Issue[] = [];
    const symbols = live.allSymbols();
    params.add.forEach((path, index) => {
      if (group.symbols.includes(path)) warnings.push({ field: `${at}.add[${index}]`, code: 'ALREADY_ASSIGNED', message: `"${path}" is already in the group's list` });
      else if (!symbols.some((symbol) => matchesGroupMask(path, symbol.path) || matchesGroupMask(path, symbol.symbol))) {
        errors.push({ field: `${at}.add[${index}]`, code: 'SYMBOL_NOT_FOUND', message: `"${path}" matches no symbol on ${live.serverId}` });
      }
    });
    params.remove.forEach((path, index) => {
      if (!group.symbols.includes(path)) errors.push({ field: `${at}.remove[${index}]`, code: 'NOT_ASSIGNED', message: `"${path}" is not in the group's list` });
    });
    if (errors.length > 0) return { errors };
    const list = [...group.symbols.filter((path) => !params.remove.includes(path)), ...params.add.filter((path) => !group.symbols.includes(path))];
    return { planned: recordUpdatePlan('group', groupSnapshot(group), { symbols: list.join(',') }, groupUpdate(params.group), warnings) };
  },
};
