import type { catalogueV1 } from '@tradewarden/proto';
import { login, price } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { recordUpdatePlan, unchangedWarning } from '../plan-builders';
import { openPosition, pricePrecision } from './position-rules';

type Params = catalogueV1.PositionPriceParams;

export const positionCorrectPrice: OperationType<Params> = {
  name: 'position.correct_price',
  family: 'trade-records',
  description: 'correct the open price of a position (a back-office edit of the record)',
  params: (spec) => spec.positionCorrectPrice,
  validate: (params, at) => {
    const issues = [
      login(params.login, `${at}.login`),
      /^[1-9]\d{0,19}$/.test(params.position) ? undefined : { field: `${at}.position`, code: 'FORMAT', message: 'must be a position ticket (digits)' },
      price(params.priceOpen, `${at}.price_open`),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (issues.length === 0 && Number(params.priceOpen) <= 0) issues.push({ field: `${at}.price_open`, code: 'RANGE', message: 'must be above zero' });
    return issues;
  },
  targets: (params) => [{ kind: 'positions', login: params.login }],
  plan: (params, live, at) => {
    const found = openPosition(live, params.login, params.position, at);
    if ('errors' in found) return found;
    const precision = pricePrecision(params.priceOpen, found.digits, `${at}.price_open`);
    if (precision) return { errors: [precision] };
    const planned = recordUpdatePlan('position', found.snapshot, { price_open: params.priceOpen }, (fields) => ({
      positionUpdate: { login: params.login, position: params.position, set: fields, throughDealer: false },
    }));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
