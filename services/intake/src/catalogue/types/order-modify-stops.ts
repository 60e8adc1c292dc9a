import type { catalogueV1 } from '@tradewarden/proto';
import { login, price } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { recordUpdatePlan, unchangedWarning } from '../plan-builders';
import { orderStopsSide, pendingOrder } from './order-rules';
import { pricePrecision } from './position-rules';

type Params = catalogueV1.OrderStopsParams;

const ticket = (value: string, field: string): Issue | undefined =>
  /^[1-9]\d{0,19}$/.test(value) ? undefined : { field, code: 'FORMAT', message: 'must be an order ticket (digits)' };

export const orderModifyStops: OperationType<Params> = {
  name: 'order.modify_stops',
  family: 'trade-records',
  description: 'change the stop loss and/or take profit of a pending order ("0" removes one)',
  params: (spec) => spec.orderModifyStops,
  validate: (params, at) => {
    const issues = [
      login(params.login, `${at}.login`),
      ticket(params.order, `${at}.order`),
      params.priceSl === undefined ? undefined : price(params.priceSl, `${at}.price_sl`),
      params.priceTp === undefined ? undefined : price(params.priceTp, `${at}.price_tp`),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (params.priceSl === undefined && params.priceTp === undefined) issues.push({ field: at, code: 'REQUIRED', message: 'name price_sl, price_tp or both' });
    return issues;
  },
  targets: (params) => [{ kind: 'orders', login: params.login }],
  plan: (params, live, at) => {
    const found = pendingOrder(live, params.login, params.order, at);
    if ('errors' in found) return found;
    const errors = [
      params.priceSl === undefined ? undefined : pricePrecision(params.priceSl, found.digits, `${at}.price_sl`),
      params.priceTp === undefined ? undefined : pricePrecision(params.priceTp, found.digits, `${at}.price_tp`),
      ...orderStopsSide(found.order, params.priceSl, params.priceTp, at),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (errors.length > 0) return { errors };
    const set: Record<string, string> = {};
    if (params.priceSl !== undefined) set['price_sl'] = params.priceSl;
    if (params.priceTp !== undefined) set['price_tp'] = params.priceTp;
    const planned = recordUpdatePlan('order', found.snapshot, set, (fields) => ({ orderUpdate: { login: params.login, order: params.order, set: fields } }));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
