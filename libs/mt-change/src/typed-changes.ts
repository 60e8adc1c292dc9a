import { canonicalChangeSet, parseList, parseSessions, type TradingSession } from './vocabulary';

// Connectors take changes as typed values; these turn a validated `set` map into them.

export interface AccountChanges {
  group?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  country?: string;
  city?: string;
  comment?: string;
  leverage?: number;
  enabled?: boolean;
  tradingEnabled?: boolean;
}

export interface GroupChanges {
  /** Decimal strings, in the unit margin_so_mode names. */
  marginCall?: string;
  marginStopOut?: string;
  marginSoMode?: number;
  /** The whole list of symbol paths the group may trade. */
  symbols?: string[];
  permissionsFlags?: number;
  tradeFlags?: number;
}

export interface SymbolChanges {
  spread?: number;
  tradeMode?: number;
  execMode?: number;
  swapMode?: number;
  swapLong?: string;
  swapShort?: string;
  /** 0 = Sunday (MT5's convention; the MT4 connector converts). */
  tripleSwapDay?: number;
  sessionsQuotes?: TradingSession[][];
  sessionsTrades?: TradingSession[][];
}

export interface PositionChanges {
  priceOpen?: string;
  priceSl?: string;
  priceTp?: string;
}

export interface OrderChanges {
  priceSl?: string;
  priceTp?: string;
}

type Converters<T> = { [field: string]: (value: string, changes: T) => void };

function convert<T extends object>(set: Record<string, string>, converters: Converters<T>): T {
  const changes = {} as T;
  for (const [field, value] of Object.entries(set)) converters[field]!(value, changes);
  return changes;
}

export function accountChanges(set: Readonly<Record<string, string>>): AccountChanges {
  return convert<AccountChanges>(canonicalChangeSet('account', set), {
    group: (value, c) => (c.group = value),
    first_name: (value, c) => (c.firstName = value),
    last_name: (value, c) => (c.lastName = value),
    email: (value, c) => (c.email = value),
    phone: (value, c) => (c.phone = value),
    country: (value, c) => (c.country = value),
    city: (value, c) => (c.city = value),
    comment: (value, c) => (c.comment = value),
    leverage: (value, c) => (c.leverage = Number(value)),
    enabled: (value, c) => (c.enabled = value === 'true'),
    trading_enabled: (value, c) => (c.tradingEnabled = value === 'true'),
  });
}

export function groupChanges(set: Readonly<Record<string, string>>): GroupChanges {
  return convert<GroupChanges>(canonicalChangeSet('group', set), {
    margin_call: (value, c) => (c.marginCall = value),
    margin_stop_out: (value, c) => (c.marginStopOut = value),
    margin_so_mode: (value, c) => (c.marginSoMode = Number(value)),
    symbols: (value, c) => (c.symbols = parseList(value)),
    permissions_flags: (value, c) => (c.permissionsFlags = Number(value)),
    trade_flags: (value, c) => (c.tradeFlags = Number(value)),
  });
}

export function symbolChanges(set: Readonly<Record<string, string>>): SymbolChanges {
  return convert<SymbolChanges>(canonicalChangeSet('symbol', set), {
    spread: (value, c) => (c.spread = Number(value)),
    trade_mode: (value, c) => (c.tradeMode = Number(value)),
    exec_mode: (value, c) => (c.execMode = Number(value)),
    swap_mode: (value, c) => (c.swapMode = Number(value)),
    swap_long: (value, c) => (c.swapLong = value),
    swap_short: (value, c) => (c.swapShort = value),
    triple_swap_day: (value, c) => (c.tripleSwapDay = Number(value)),
    sessions_quotes: (value, c) => (c.sessionsQuotes = parseSessions(value)),
    sessions_trades: (value, c) => (c.sessionsTrades = parseSessions(value)),
  });
}

export function positionChanges(set: Readonly<Record<string, string>>): PositionChanges {
  return convert<PositionChanges>(canonicalChangeSet('position', set), {
    price_open: (value, c) => (c.priceOpen = value),
    price_sl: (value, c) => (c.priceSl = value),
    price_tp: (value, c) => (c.priceTp = value),
  });
}

export function orderChanges(set: Readonly<Record<string, string>>): OrderChanges {
  return convert<OrderChanges>(canonicalChangeSet('order', set), {
    price_sl: (value, c) => (c.priceSl = value),
    price_tp: (value, c) => (c.priceTp = value),
  });
}
