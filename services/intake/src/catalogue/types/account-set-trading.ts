import type { catalogueV1 } from '@tradewarden/proto';
import { login } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { accountFields, accountUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.AccountTradingParams;

export const accountSetTrading: OperationType<Params> = {
  name: 'account.set_trading',
  family: 'accounts',
  description: 'allow or forbid trading on an account (it can still log in)',
  params: (spec) => spec.accountSetTrading,
  validate: (params, at) => [login(params.login, `${at}.login`)].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'account', login: params.login }],
  plan: (params, live, at) => {
    const snapshot = accountFields(live, params.login);
    if (!snapshot) return notFound(`${at}.login`, `account ${params.login}`, live.serverId);
    const planned = recordUpdatePlan('account', snapshot, { trading_enabled: String(params.tradingEnabled) }, accountUpdate(params.login));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
