import { liveView, SETTINGS } from '../live-view-fixture';
import type { PlanOutcome } from '../operation-type';
import { orderModifyStops } from './order-modify-stops';
import { positionCorrectPrice } from './position-correct-price';
import { positionModifyStops } from './position-modify-stops';

const planned = (outcome: PlanOutcome) => {
  if ('errors' in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome.planned;
};
const errorCodes = (outcome: PlanOutcome) => ('errors' in outcome ? outcome.errors.map((issue) => `${issue.field}:${issue.code}`) : []);

describe('position.modify_stops', () => {
  const buy = { login: '500001', position: '7000001', throughDealer: false };
  const sell = { login: '500001', position: '7000002', throughDealer: true };

  it('plans stops on the right side of the price, through the dealer when asked', () => {
    const plan = planned(positionModifyStops.plan({ ...buy, priceSl: '1.07500', priceTp: '1.09500' }, liveView(), 'at', SETTINGS));
    expect(plan.before).toMatchObject({ position: '7000001', login: '500001', symbol: 'EURUSD', price_sl: '1.07', price_tp: '0' });
    expect(plan.change.positionUpdate).toEqual({ login: '500001', position: '7000001', set: { price_sl: '1.075', price_tp: '1.095' }, throughDealer: false });
    expect(plan.revert?.positionUpdate?.set).toEqual({ price_sl: '1.07', price_tp: '0' });
    expect(planned(positionModifyStops.plan({ ...sell, priceSl: '2350.00' }, liveView(), 'at', SETTINGS)).change.positionUpdate?.throughDealer).toBe(true);
  });

  it('refuses stops on the wrong side, more digits than the symbol has, and positions that are not open', () => {
    expect(errorCodes(positionModifyStops.plan({ ...buy, priceSl: '1.09000', priceTp: '1.08000' }, liveView(), 'at', SETTINGS))).toEqual([
      'at.price_sl:STOPS_WRONG_SIDE',
      'at.price_tp:STOPS_WRONG_SIDE',
    ]);
    expect(errorCodes(positionModifyStops.plan({ ...sell, priceSl: '2330.00' }, liveView(), 'at', SETTINGS))).toEqual(['at.price_sl:STOPS_WRONG_SIDE']);
    expect(errorCodes(positionModifyStops.plan({ ...sell, priceTp: '2300.005' }, liveView(), 'at', SETTINGS))).toEqual(['at.price_tp:PRICE_PRECISION']);
    expect(errorCodes(positionModifyStops.plan({ ...buy, position: '7000009', priceSl: '1' }, liveView(), 'at', SETTINGS))).toEqual(['at.position:POSITION_NOT_FOUND']);
  });

  it('allows removing a level with 0', () => {
    expect(planned(positionModifyStops.plan({ ...buy, priceSl: '0' }, liveView(), 'at', SETTINGS)).after['price_sl']).toBe('0');
  });

  it('needs a level to change', () => {
    expect(positionModifyStops.validate({ ...buy }, 'at').map((issue) => issue.code)).toEqual(['REQUIRED']);
  });
});

describe('position.correct_price', () => {
  it('corrects the open price directly, never through the dealer', () => {
    const plan = planned(positionCorrectPrice.plan({ login: '500001', position: '7000001', priceOpen: '1.07990' }, liveView(), 'at', SETTINGS));
    expect(plan.change.positionUpdate).toEqual({ login: '500001', position: '7000001', set: { price_open: '1.0799' }, throughDealer: false });
    expect(positionCorrectPrice.validate({ login: '500001', position: '7000001', priceOpen: '0' }, 'at').map((issue) => issue.code)).toEqual(['RANGE']);
  });
});

describe('order.modify_stops', () => {
  // Fixture orders of 500001: 8000001 buy limit EURUSD at 1.08000 (SL 1.075), 8000002 sell stop XAUUSD at 2320.00
  // (SL 2330, TP 2300), 8000003 buy stop limit EURUSD at 1.09000 placing a limit at 1.08900, 8000004 a market order.
  const buyLimit = { login: '500001', order: '8000001' };
  const sellStop = { login: '500001', order: '8000002' };

  it('plans the stops of a pending order against its own price, with its context for drift and the previous stops as revert', () => {
    const plan = planned(orderModifyStops.plan({ ...buyLimit, priceSl: '1.07000', priceTp: '1.09500' }, liveView(), 'at', SETTINGS));
    expect(plan.before).toEqual({ order: '8000001', login: '500001', symbol: 'EURUSD', type: '2', price_order: '1.08', price_trigger: '0', price_sl: '1.075', price_tp: '0' });
    expect(plan.after).toMatchObject({ price_order: '1.08', price_sl: '1.07', price_tp: '1.095' });
    expect(plan.change.orderUpdate).toEqual({ login: '500001', order: '8000001', set: { price_sl: '1.07', price_tp: '1.095' } });
    expect(plan.revert?.orderUpdate).toEqual({ login: '500001', order: '8000001', set: { price_sl: '1.075', price_tp: '0' } });
    expect(plan.warnings).toEqual([]);
  });

  it('judges the side by the order price, not the market: a buy limit below the market may take profit below the market', () => {
    // The ask is 1.08464; a take profit of 1.084 is below it, yet above the 1.08 the position will open at.
    expect(planned(orderModifyStops.plan({ ...buyLimit, priceTp: '1.08400' }, liveView(), 'at', SETTINGS)).after['price_tp']).toBe('1.084');
  });

  it.each([
    [{ ...buyLimit, priceSl: '1.08000' }, ['at.price_sl:STOPS_WRONG_SIDE']],
    [{ ...buyLimit, priceSl: '1.08100', priceTp: '1.07900' }, ['at.price_sl:STOPS_WRONG_SIDE', 'at.price_tp:STOPS_WRONG_SIDE']],
    [{ ...sellStop, priceSl: '2310.00' }, ['at.price_sl:STOPS_WRONG_SIDE']],
    [{ ...sellStop, priceTp: '2325.00' }, ['at.price_tp:STOPS_WRONG_SIDE']],
    // A stop limit's position opens at its limit price (1.089), not at its stop price (1.09).
    [{ login: '500001', order: '8000003', priceSl: '1.08950' }, ['at.price_sl:STOPS_WRONG_SIDE']],
  ])('refuses stops on the wrong side of the opening price: %j', (params, expected) => {
    expect(errorCodes(orderModifyStops.plan(params, liveView(), 'at', SETTINGS))).toEqual(expected);
  });

  it('words the refusal with the order type and the price it compared with', () => {
    const outcome = orderModifyStops.plan({ login: '500001', order: '8000003', priceSl: '1.08950' }, liveView(), 'at', SETTINGS);
    expect('errors' in outcome && outcome.errors[0]!.message).toBe("a buy stop limit's stop loss must be below its limit price 1.08900");
  });

  it('accepts a sell stop with the stop loss above and the take profit below, and a stop limit around its limit price', () => {
    expect(planned(orderModifyStops.plan({ ...sellStop, priceSl: '2325.00', priceTp: '2250.00' }, liveView(), 'at', SETTINGS)).change.orderUpdate?.set).toEqual({ price_sl: '2325', price_tp: '2250' });
    expect(planned(orderModifyStops.plan({ login: '500001', order: '8000003', priceSl: '1.08500', priceTp: '1.09500' }, liveView(), 'at', SETTINGS)).after).toMatchObject({ price_trigger: '1.089', price_sl: '1.085' });
  });

  it('refuses more digits than the symbol quotes with', () => {
    expect(errorCodes(orderModifyStops.plan({ ...sellStop, priceTp: '2300.005' }, liveView(), 'at', SETTINGS))).toEqual(['at.price_tp:PRICE_PRECISION']);
    expect(errorCodes(orderModifyStops.plan({ ...buyLimit, priceSl: '1.074999' }, liveView(), 'at', SETTINGS))).toEqual(['at.price_sl:PRICE_PRECISION']);
  });

  it('refuses an order that is not open, not the account\'s, or not pending', () => {
    expect(errorCodes(orderModifyStops.plan({ ...buyLimit, order: '8000009', priceSl: '1' }, liveView(), 'at', SETTINGS))).toEqual(['at.order:ORDER_NOT_FOUND']);
    expect(errorCodes(orderModifyStops.plan({ login: '500002', order: '8000001', priceSl: '1' }, liveView(), 'at', SETTINGS))).toEqual(['at.order:ORDER_NOT_FOUND']);
    expect(errorCodes(orderModifyStops.plan({ login: '500001', order: '8000004', priceSl: '1' }, liveView(), 'at', SETTINGS))).toEqual(['at.order:ORDER_NOT_PENDING']);
  });

  it('allows removing a level with 0, and says when nothing changes', () => {
    expect(planned(orderModifyStops.plan({ ...buyLimit, priceSl: '0' }, liveView(), 'at', SETTINGS)).after['price_sl']).toBe('0');
    expect(planned(orderModifyStops.plan({ ...buyLimit, priceSl: '1.07500' }, liveView(), 'at', SETTINGS)).warnings.map((issue) => issue.code)).toEqual(['NO_CHANGE']);
  });

  it('checks the ticket, the login and the levels without a server, and needs a level to change', () => {
    expect(orderModifyStops.validate({ login: '500001', order: '' }, 'at').map((issue) => `${issue.field}:${issue.code}`)).toEqual(['at.order:FORMAT', 'at:REQUIRED']);
    expect(orderModifyStops.validate({ login: 'x', order: '8000001', priceSl: '-1', priceTp: '1.1' }, 'at').map((issue) => `${issue.field}:${issue.code}`)).toEqual([
      'at.login:FORMAT',
      'at.price_sl:FORMAT',
    ]);
  });

  it('reads the account\'s orders (and with them their symbols)', () => {
    expect(orderModifyStops.targets({ ...buyLimit, priceSl: '1' })).toEqual([{ kind: 'orders', login: '500001' }]);
  });
});
