import { liveView, SETTINGS } from '../live-view-fixture';
import type { PlanOutcome } from '../operation-type';
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
