import type { catalogueV1 } from '@tradewarden/proto';
import { groupPath, login } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { accountFields, accountUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.AccountGroupParams;

export const accountChangeGroup: OperationType<Params> = {
  name: 'account.change_group',
  family: 'accounts',
  description: 'move an account to another group of its server, in the same currency',
  params: (spec) => spec.accountChangeGroup,
  validate: (params, at) => [login(params.login, `${at}.login`), groupPath(params.group, `${at}.group`)].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [
    { kind: 'account', login: params.login },
    { kind: 'group', group: params.group },
  ],
  plan: (params, live, at) => {
    const snapshot = accountFields(live, params.login);
    if (!snapshot) return notFound(`${at}.login`, `account ${params.login}`, live.serverId);
    const target = live.group(params.group);
    if (!target) return notFound(`${at}.group`, `group ${params.group}`, live.serverId);
    if (target.currency !== snapshot['currency']) {
      return {
        errors: [{ field: `${at}.group`, code: 'GROUP_CURRENCY_MISMATCH', message: `group ${params.group} is in ${target.currency}; account ${params.login} is in ${snapshot['currency']}` }],
      };
    }
    const planned = recordUpdatePlan('account', snapshot, { group: params.group }, accountUpdate(params.login));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
