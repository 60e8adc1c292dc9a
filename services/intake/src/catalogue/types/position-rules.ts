import { positionSnapshot } from '@tradewarden/mt-change';
import type { gatewayV1 } from '@tradewarden/proto';
import { decimalPlaces } from '../field-rules';
import type { Issue, LiveView } from '../operation-type';

/** An open position with the digits of its symbol, or the error that it is not there. */
export function openPosition(live: LiveView, login: string, ticket: string, at: string): { position: gatewayV1.Position; digits: number; snapshot: Record<string, string> } | { errors: Issue[] } {
  const position = live.position(login, ticket);
  if (!position) return { errors: [{ field: `${at}.position`, code: 'POSITION_NOT_FOUND', message: `account ${login} has no open position ${ticket} on ${live.serverId}` }] };
  const digits = live.symbol(position.symbol)?.digits ?? 8;
  return { position, digits, snapshot: positionSnapshot(position) };
}

export function pricePrecision(value: string, digits: number, field: string): Issue | undefined {
  return decimalPlaces(value) > digits ? { field, code: 'PRICE_PRECISION', message: `the symbol quotes with ${digits} digits` } : undefined;
}

/**
 * Stops on the right side of the price the position would close at now: for a buy, a stop loss below and a take profit
 * above; for a sell the other way round. "0" removes a level and is always allowed.
 */
export function stopsSide(position: gatewayV1.Position, stopLoss: string | undefined, takeProfit: string | undefined, at: string): Issue[] {
  const buy = position.action === 0;
  return stopsAround({ price: position.priceCurrent, buy, what: `a ${buy ? 'buy' : 'sell'}'s`, priceName: 'the current price' }, stopLoss, takeProfit, at);
}

/**
 * The side rule of stop levels around a reference price (a position's current price, a pending order's opening price):
 * a buy's stop loss below it and take profit above, a sell's the other way round; "0" (no level) is always allowed.
 * `what` and `priceName` word the messages ("a buy limit's", "its order price").
 */
export function stopsAround(
  reference: { price: string; buy: boolean; what: string; priceName: string },
  stopLoss: string | undefined,
  takeProfit: string | undefined,
  at: string,
): Issue[] {
  const price = Number(reference.price);
  const { buy } = reference;
  const issues: Issue[] = [];
  if (stopLoss !== undefined && Number(stopLoss) !== 0 && (buy ? Number(stopLoss) >= price : Number(stopLoss) <= price)) {
    issues.push({ field: `${at}.price_sl`, code: 'STOPS_WRONG_SIDE', message: `${reference.what} stop loss must be ${buy ? 'below' : 'above'} ${reference.priceName} ${reference.price}` });
  }
  if (takeProfit !== undefined && Number(takeProfit) !== 0 && (buy ? Number(takeProfit) <= price : Number(takeProfit) >= price)) {
    issues.push({ field: `${at}.price_tp`, code: 'STOPS_WRONG_SIDE', message: `${reference.what} take profit must be ${buy ? 'above' : 'below'} ${reference.priceName} ${reference.price}` });
  }
  return issues;
}
