import type { catalogueV1, operationV1 } from '@tradewarden/proto';
import { login, positiveMoney, text } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { balancePlan, usesFreeMargin, type BalanceMovement } from '../plan-builders';

type Params = catalogueV1.BalanceMovementParams;

/** The four money movements share their params and rules; they differ in the figure that moves and its direction. */
export function balanceMovementType(definition: {
  name: string;
  description: string;
  params: (spec: operationV1.OperationItemSpec) => Params | undefined;
  account: BalanceMovement['account'];
  direction: BalanceMovement['direction'];
}): OperationType<Params> {
  return {
    name: definition.name,
    family: 'balance',
    description: definition.description,
    params: definition.params,
    validate: (params, at) =>
      [login(params.login, `${at}.login`), positiveMoney(params.amount, `${at}.amount`), text(params.comment, `${at}.comment`, 64)].filter(
        (issue): issue is Issue => issue !== undefined,
      ),
    targets: (params) => [{ kind: usesFreeMargin(definition) ? 'account-with-margin' : 'account', login: params.login }],
    plan: (params, live, at) => balancePlan({ login: params.login, amount: params.amount!, account: definition.account, direction: definition.direction }, live, at),
    moneyMoved: (params) => params.amount && { direction: definition.direction, money: params.amount },
  };
}
