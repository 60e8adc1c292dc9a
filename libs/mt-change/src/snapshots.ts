import type { gatewayV1 } from '@tradewarden/proto';
import { canonicalDecimal, formatSessions } from './vocabulary';

// Live records as flat maps in the change vocabulary: what plans show as before/after and what the gateway compares.

export function accountSnapshot(account: gatewayV1.Account): Record<string, string> {
  return {
    login: account.login,
    group: account.group,
    currency: account.balance?.currency ?? '',
    first_name: account.firstName,
    last_name: account.lastName,
    email: account.email,
    phone: account.phone,
    country: account.country,
    city: account.city,
    comment: account.comment,
    leverage: String(account.leverage),
    enabled: String(account.enabled),
    trading_enabled: String(account.tradingEnabled),
    balance: canonicalDecimal(account.balance?.amount ?? '0'),
    credit: canonicalDecimal(account.credit?.amount ?? '0'),
  };
}

export function groupSnapshot(group: gatewayV1.Group): Record<string, string> {
  return {
    group: group.group,
    currency: group.currency,
    margin_call: canonicalDecimal(group.marginCall),
    margin_stop_out: canonicalDecimal(group.marginStopOut),
    margin_so_mode: String(group.marginSoMode),
    symbols: group.symbols.join(','),
    permissions_flags: String(Number(group.permissionsFlags)),
    trade_flags: String(Number(group.tradeFlags)),
  };
}

export function symbolSnapshot(symbol: gatewayV1.Symbol): Record<string, string> {
  const days = (sessions: gatewayV1.DaySessions[]) =>
    formatSessions(sessions.map((day) => day.sessions.map((session) => ({ open: session.openMinute, close: session.closeMinute }))));
  return {
    symbol: symbol.symbol,
    path: symbol.path,
    digits: String(symbol.digits),
    spread: String(symbol.spread),
    trade_mode: String(symbol.tradeMode),
    exec_mode: String(symbol.execMode),
    swap_mode: String(symbol.swapMode),
    swap_long: canonicalDecimal(symbol.swapLong),
    swap_short: canonicalDecimal(symbol.swapShort),
    triple_swap_day: String(symbol.tripleSwapDay),
    sessions_quotes: days(symbol.sessionsQuotes),
    sessions_trades: days(symbol.sessionsTrades),
  };
}

export function positionSnapshot(position: gatewayV1.Position): Record<string, string> {
  return {
    position: position.position,
    login: position.login,
    symbol: position.symbol,
    action: String(position.action),
    volume: canonicalDecimal(position.volume),
    price_open: canonicalDecimal(position.priceOpen),
    price_sl: canonicalDecimal(position.priceSl),
    price_tp: canonicalDecimal(position.priceTp),
  };
}

export function orderSnapshot(order: gatewayV1.Order): Record<string, string> {
  return {
    order: order.order,
    login: order.login,
    symbol: order.symbol,
    type: String(order.type),
    volume: canonicalDecimal(order.volume),
    price_order: canonicalDecimal(order.priceOrder),
    price_trigger: canonicalDecimal(order.priceTrigger),
    price_sl: canonicalDecimal(order.priceSl),
    price_tp: canonicalDecimal(order.priceTp),
  };
}
