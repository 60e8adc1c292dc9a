import { orderSnapshot } from '@tradewarden/mt-change';
import type { gatewayV1 } from '@tradewarden/proto';
import type { Issue, LiveView } from '../operation-type';
import { stopsAround } from './position-rules';

/** The pending order types (MT5's numbering; MT4's cmd 2-5 are the same), by whether they buy. */
const PENDING_TYPES: Readonly<Record<number, { name: string; buy: boolean }>> = {
  2: { name: 'buy limit', buy: true },
  3: { name: 'sell limit', buy: false },
  4: { name: 'buy stop', buy: true },
  5: { name: 'sell stop', buy: false },
  6: { name: 'buy stop limit', buy: true },
  7: { name: 'sell stop limit', buy: false },
};
const BUY_STOP_LIMIT = 6;
const SELL_STOP_LIMIT = 7;

/**
 * A pending order of the account with the digits of its symbol, or the error that it is not open (filled, cancelled,
 * never placed, another account's) or is a market order the server is still executing.
 */
export function pendingOrder(live: LiveView, login: string, ticket: string, at: string): { order: gatewayV1.Order; digits: number; snapshot: Record<string, string> } | { errors: Issue[] } {
  const order = live.order(login, ticket);
  if (!order) return { errors: [{ field: `${at}.order`, code: 'ORDER_NOT_FOUND', message: `account ${login} has no open order ${ticket} on ${live.serverId}` }] };
  if (!PENDING_TYPES[order.type]) {
    return { errors: [{ field: `${at}.order`, code: 'ORDER_NOT_PENDING', message: `order ${ticket} is not a pending order (type ${order.type}: a market order being executed)` }] };
  }
  const digits = live.symbol(order.symbol)?.digits ?? 8;
  return { order, digits, snapshot: orderSnapshot(order) };
}

/**
 * Stops on the right side of the price the order's position will open at: its order price, or for a stop limit the
 * price of the limit order it places. A buy's stop loss goes below, its take profit above; a sell's the other way round.
 * The market price does not matter here: the position does not exist until the order fills.
 */
export function orderStopsSide(order: gatewayV1.Order, stopLoss: string | undefined, takeProfit: string | undefined, at: string): Issue[] {
  const type = PENDING_TYPES[order.type]!;
  const stopLimit = order.type === BUY_STOP_LIMIT || order.type === SELL_STOP_LIMIT;
  return stopsAround(
    { price: stopLimit ? order.priceTrigger : order.priceOrder, buy: type.buy, what: `a ${type.name}'s`, priceName: stopLimit ? 'its limit price' : 'its order price' },
    stopLoss,
    takeProfit,
    at,
  );
}
