import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { type Answer, done, fail, isJsonObject, type JsonObject, parseDecimal, parseInteger, scalarText } from './webapi-command';
import type { SimSession, SimSymbol } from './simulator-state';

const MINUTES_PER_DAY = 1440;

export function symbolRecord(symbol: SimSymbol): Record<string, unknown> {
  const sessions = (days: SimSession[][]) => days.map((day) => day.map((session) => ({ Open: String(session.open), Close: String(session.close) })));
  return {
    Symbol: symbol.symbol,
    Path: symbol.path,
    Description: symbol.description,
    CurrencyBase: symbol.currencyBase,
    CurrencyProfit: symbol.currencyProfit,
    Digits: String(symbol.digits),
    Point: (10 ** -symbol.digits).toFixed(symbol.digits),
    ContractSize: String(symbol.contractSize),
    Spread: String(symbol.spread),
    TradeMode: String(symbol.tradeMode),
    ExecMode: String(symbol.execMode),
    SwapMode: String(symbol.swapMode),
    SwapLong: String(symbol.swapLong),
    SwapShort: String(symbol.swapShort),
    Swap3Day: String(symbol.swap3Day),
    SessionsQuotes: sessions(symbol.sessionsQuotes),
    SessionsTrades: sessions(symbol.sessionsTrades),
  };
}

type IntegerSymbolKey = 'digits' | 'spread' | 'tradeMode' | 'execMode' | 'swapMode' | 'swap3Day';

/** The enumerations and limits MT5 enforces on a symbol (docs/metatrader-apis.md 1.5). */
const SYMBOL_INTEGERS: readonly { json: string; key: IntegerSymbolKey; min: number; max: number }[] = [
  { json: 'Digits', key: 'digits', min: 0, max: 8 },
  // 0 = floating spread.
  { json: 'Spread', key: 'spread', min: 0, max: 100_000 },
  { json: 'TradeMode', key: 'tradeMode', min: 0, max: 4 },
  { json: 'ExecMode', key: 'execMode', min: 0, max: 3 },
  { json: 'SwapMode', key: 'swapMode', min: 0, max: 9 },
  { json: 'Swap3Day', key: 'swap3Day', min: 0, max: 6 },
];

const SYMBOL_TEXTS: readonly { json: string; key: 'path' | 'description' | 'currencyBase' | 'currencyProfit'; pattern: RegExp }[] = [
  { json: 'Path', key: 'path', pattern: /^.{1,128}$/ },
  { json: 'Description', key: 'description', pattern: /^.{0,64}$/ },
  { json: 'CurrencyBase', key: 'currencyBase', pattern: /^[A-Z0-9]{3,16}$/ },
  { json: 'CurrencyProfit', key: 'currencyProfit', pattern: /^[A-Z0-9]{3,16}$/ },
];

/** `[7][N]` of `{Open, Close}` minutes from 00:00, day 0 = Sunday; undefined when malformed. */
function parseSessions(value: unknown): SimSession[][] | undefined {
  if (!Array.isArray(value) || value.length !== 7) return undefined;
  const days: SimSession[][] = [];
  for (const day of value) {
    if (!Array.isArray(day)) return undefined;
    const sessions: SimSession[] = [];
    for (const item of day) {
      if (!isJsonObject(item)) return undefined;
      const open = parseInteger(scalarText(item['Open']), 0, MINUTES_PER_DAY);
      const close = parseInteger(scalarText(item['Close']), 0, MINUTES_PER_DAY);
      if (open === undefined || close === undefined || open >= close) return undefined;
      sessions.push({ open, close });
    }
    days.push(sessions);
  }
  return days;
}

function newSymbol(name: string): SimSymbol {
  const closed = () => Array.from({ length: 7 }, (): SimSession[] => []);
  return {
    symbol: name,
    path: name,
    description: '',
    currencyBase: 'USD',
    currencyProfit: 'USD',
    digits: 5,
    contractSize: 100_000,
    // No quotes yet: nothing trades on a symbol made through the Web API.
    bid: 0,
    spread: 0,
    tradeMode: 0,
    execMode: 2,
    swapMode: 0,
    swapLong: 0,
    swapShort: 0,
    swap3Day: 3,
    sessionsQuotes: closed(),
    sessionsTrades: closed(),
  };
}

/**
 * /api/symbol/add: an upsert keyed by `Symbol`; only the fields present change, and the session arrays are replaced
 * whole when present. Bad values are refused with 3 (configuration writes validate).
 */
export function upsertSymbol(symbols: Map<string, SimSymbol>, body: JsonObject | undefined): Answer {
  const name = scalarText(body?.['Symbol']);
  if (!body || !name || !/^[^\s*,!]{1,32}$/.test(name)) return fail(MtRetcode.ERR_PARAMS);
  const existing = symbols.get(name);
  const draft = existing ? structuredClone(existing) : newSymbol(name);
  for (const field of SYMBOL_INTEGERS) {
    if (!(field.json in body)) continue;
    const value = parseInteger(scalarText(body[field.json]), field.min, field.max);
    if (value === undefined) return fail(MtRetcode.ERR_PARAMS);
    draft[field.key] = value;
  }
  for (const field of SYMBOL_TEXTS) {
    if (!(field.json in body)) continue;
    const text = scalarText(body[field.json]);
    if (text === undefined || !field.pattern.test(text)) return fail(MtRetcode.ERR_PARAMS);
    draft[field.key] = text;
  }
  for (const [json, key] of [
    ['SwapLong', 'swapLong'],
    ['SwapShort', 'swapShort'],
  ] as const) {
    if (!(json in body)) continue;
    const value = parseDecimal(scalarText(body[json]));
    if (value === undefined) return fail(MtRetcode.ERR_PARAMS);
    draft[key] = value;
  }
  if ('ContractSize' in body) {
    const value = parseDecimal(scalarText(body['ContractSize']));
    if (value === undefined || value <= 0) return fail(MtRetcode.ERR_PARAMS);
    draft.contractSize = value;
  }
  for (const [json, key] of [
    ['SessionsQuotes', 'sessionsQuotes'],
    ['SessionsTrades', 'sessionsTrades'],
  ] as const) {
    if (!(json in body)) continue;
    const sessions = parseSessions(body[json]);
    if (!sessions) return fail(MtRetcode.ERR_PARAMS);
    draft[key] = sessions;
  }
  if (existing) Object.assign(existing, draft);
  else symbols.set(name, draft);
  return done(symbolRecord(draft));
}
