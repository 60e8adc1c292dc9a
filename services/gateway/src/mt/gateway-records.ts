import type { gatewayV1 } from '@tradewarden/proto';
import type { MtAccountState, MtGroup, MtOrder, MtPosition, MtSymbol } from './mt-connector';

// Connector records as the gateway's gRPC messages. The executor snapshots the same messages (libs/mt-change), so what
// a plan showed from a read and what execution compares are one form.

export function toAccount(serverId: string, account: MtAccountState): gatewayV1.Account {
  return {
    serverId,
    login: account.login,
    group: account.group,
    name: account.name,
    firstName: account.firstName,
    lastName: account.lastName,
    email: account.email,
    phone: account.phone,
    country: account.country,
    city: account.city,
    comment: account.comment,
    leverage: account.leverage,
    enabled: account.enabled,
    tradingEnabled: account.tradingEnabled,
    balance: { amount: account.balance.format(account.currencyDigits), currency: account.currency },
    credit: { amount: account.credit.format(account.currencyDigits), currency: account.currency },
    marginFree: account.marginFree && { amount: account.marginFree.format(account.currencyDigits), currency: account.currency },
  };
}

export function toGroup({ permissionsFlags, tradeFlags, ...group }: MtGroup): gatewayV1.Group {
  return { ...group, permissionsFlags: String(permissionsFlags), tradeFlags: String(tradeFlags) };
}

export function toSymbol(symbol: MtSymbol): gatewayV1.Symbol {
  const days = (sessions: { open: number; close: number }[][]) =>
    sessions.map((day) => ({ sessions: day.map((session) => ({ openMinute: session.open, closeMinute: session.close })) }));
  return {
    symbol: symbol.symbol,
    path: symbol.path,
    description: symbol.description,
    digits: symbol.digits,
    contractSize: symbol.contractSize,
    spread: symbol.spread,
    tradeMode: symbol.tradeMode,
    execMode: symbol.execMode,
    swapMode: symbol.swapMode,
    swapLong: symbol.swapLong,
    swapShort: symbol.swapShort,
    tripleSwapDay: symbol.swap3Day,
    sessionsQuotes: days(symbol.sessionsQuotes),
    sessionsTrades: days(symbol.sessionsTrades),
  };
}

export function toPosition({ priceSL, priceTP, volume, ...position }: MtPosition): gatewayV1.Position {
  return { ...position, priceSl: priceSL, priceTp: priceTP, volume: volume.toString() };
}

export function toOrder({ priceSL, priceTP, volume, ...order }: MtOrder): gatewayV1.Order {
  return { ...order, priceSl: priceSL, priceTp: priceTP, volume: volume.toString() };
}
