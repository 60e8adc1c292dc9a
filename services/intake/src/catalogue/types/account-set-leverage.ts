import type { catalogueV1 } from '@tradewarden/proto';
import { leverage, login } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { accountFields, accountUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.AccountLeverageParams;

export const accountSetLeverage: OperationType<Params> = {
  name: 'account.set_leverage',
  family: 'accounts',
  description: "change an account's leverage (1:n)",
  params: (spec) => spec.accountSetLeverage,
  validate: (params, at) => [login(params.login, `${at}.login`), leverage(params.leverage, `${at}.leverage`)].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'account', login: params.login }],
  plan: (params, live, at, settings) => {
    const snapshot = accountFields(live, params.login);
    if (!snapshot) return notFound(`${at}.login`, `account ${params.login}`, live.serverId);
    if (params.leverage > settings.maxLeverage) {
      return { errors: [{ field: `${at}.leverage`, code: 'LEVERAGE_NOT_ALLOWED', message: `at most 1:${settings.maxLeverage} (INTAKE_MAX_LEVERAGE)` }] };
    }
    const planned = recordUpdatePlan('account', snapshot, { leverage: String(params.leverage) }, accountUpdate(params.login));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
