import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { type Answer, done, fail, isJsonObject, type JsonObject, parseDecimal, parseInteger, scalarText } from './webapi-command';
import type { Mt5GroupSettings, SimCommission, SimGroup, SimGroupSymbol } from './simulator-state';

/**
 * "Unset, inherit the symbol's value" in a group-symbol override, as the MT5 SDK marks it (IMTConGroupSymbol's
 * *Default() values): 0xFFFFFFFF for unsigned integers, 0x7FFFFFFF for signed ones, DBL_MAX for doubles. The Web API
 * sends them as they are ("4294967295", "2147483647", "1.7976931348623157e+308"), and a client writes them to reset.
 */
export const UNSET = { UINT: 0xffff_ffff, INT: 0x7fff_ffff, DOUBLE: Number.MAX_VALUE } as const;

type OverrideKey = Exclude<keyof SimGroupSymbol, 'path'>;
type OverrideKind = keyof typeof UNSET;

/** The group-symbol overrides the simulator keeps, with their SDK types and, for enums, the values MT5 accepts. */
const OVERRIDE_FIELDS: readonly { json: string; key: OverrideKey; kind: OverrideKind; range?: readonly [number, number] }[] = [
  { json: 'TradeMode', key: 'tradeMode', kind: 'UINT', range: [0, 4] },
  { json: 'ExecMode', key: 'execMode', kind: 'UINT', range: [0, 3] },
  { json: 'FillFlags', key: 'fillFlags', kind: 'UINT' },
  { json: 'ExpirFlags', key: 'expirFlags', kind: 'UINT' },
  { json: 'SpreadDiff', key: 'spreadDiff', kind: 'INT' },
  { json: 'SpreadDiffBalance', key: 'spreadDiffBalance', kind: 'INT' },
  { json: 'StopsLevel', key: 'stopsLevel', kind: 'INT', range: [0, 100_000] },
  { json: 'FreezeLevel', key: 'freezeLevel', kind: 'INT', range: [0, 100_000] },
  { json: 'SwapMode', key: 'swapMode', kind: 'UINT', range: [0, 9] },
  { json: 'SwapLong', key: 'swapLong', kind: 'DOUBLE' },
  { json: 'SwapShort', key: 'swapShort', kind: 'DOUBLE' },
  { json: 'Swap3Day', key: 'swap3Day', kind: 'INT', range: [0, 6] },
  { json: 'MarginInitial', key: 'marginInitial', kind: 'DOUBLE' },
  { json: 'MarginMaintenance', key: 'marginMaintenance', kind: 'DOUBLE' },
];

/** An override for `path` that changes nothing. */
export function inheritingGroupSymbol(path: string): SimGroupSymbol {
  const symbol = { path } as SimGroupSymbol;
  for (const field of OVERRIDE_FIELDS) symbol[field.key] = UNSET[field.kind];
  return symbol;
}

/** What an MT5 group has when nobody set it (a new group gets these too). */
export const GROUP_DEFAULTS: Readonly<Mt5GroupSettings> = {
  server: 1,
  company: 'Tradewarden Demo Broker',
  // PERMISSION_ENABLE_CONNECTION
  permissionsFlags: 0x2,
  authMode: 0,
  authPasswordMin: 8,
  // TRADEFLAGS_DEFAULT: swaps, trailing, experts, expiration, signals
  tradeFlags: 0x1f,
  // FREE_MARGIN_USE_PL
  marginFreeMode: 1,
  marginSOMode: 0,
  marginMode: 2,
  demoLeverage: 0,
  demoDeposit: 0,
  limitOrders: 0,
  limitPositions: 0,
  commissions: [],
  symbols: [],
};

/** A group with every MT5 setting filled (the MT4 bridge's groups have only the core fields). */
export function groupSettings(group: SimGroup): SimGroup & Mt5GroupSettings {
  return { ...structuredClone(GROUP_DEFAULTS), ...group };
}

type NumericGroupKey = { [K in keyof SimGroup]-?: NonNullable<SimGroup[K]> extends number ? K : never }[keyof SimGroup];

/** Numeric group fields a group/add may set; configuration writes validate (unlike user/update, which ignores). */
const GROUP_NUMBERS: readonly { json: string; key: NumericGroupKey; integer: boolean; min: number; max: number }[] = [
  { json: 'Server', key: 'server', integer: true, min: 0, max: 0xffff_ffff },
  { json: 'CurrencyDigits', key: 'currencyDigits', integer: true, min: 0, max: 8 },
  { json: 'PermissionsFlags', key: 'permissionsFlags', integer: true, min: 0, max: 0xffff_ffff },
  { json: 'AuthMode', key: 'authMode', integer: true, min: 0, max: 3 },
  { json: 'AuthPasswordMin', key: 'authPasswordMin', integer: true, min: 8, max: 16 },
  { json: 'TradeFlags', key: 'tradeFlags', integer: true, min: 0, max: 0xffff_ffff },
  { json: 'MarginFreeMode', key: 'marginFreeMode', integer: true, min: 0, max: 3 },
  { json: 'MarginSOMode', key: 'marginSOMode', integer: true, min: 0, max: 1 },
  { json: 'MarginCall', key: 'marginCall', integer: false, min: 0, max: 1e12 },
  { json: 'MarginStopOut', key: 'marginStopOut', integer: false, min: 0, max: 1e12 },
  { json: 'MarginMode', key: 'marginMode', integer: true, min: 0, max: 2 },
  { json: 'DemoLeverage', key: 'demoLeverage', integer: true, min: 0, max: 10_000 },
  { json: 'DemoDeposit', key: 'demoDeposit', integer: false, min: 0, max: 1e12 },
  { json: 'LimitOrders', key: 'limitOrders', integer: true, min: 0, max: 0xffff_ffff },
  { json: 'LimitPositions', key: 'limitPositions', integer: true, min: 0, max: 0xffff_ffff },
];

export function groupRecord(group: SimGroup): Record<string, unknown> {
  const full = groupSettings(group);
  const record: Record<string, unknown> = { Group: full.group, Company: full.company, Currency: full.currency };
  for (const field of GROUP_NUMBERS) record[field.json] = String(full[field.key]);
  record['Commissions'] = full.commissions;
  record['Symbols'] = full.symbols.map((symbol) => {
    const override: Record<string, string> = { Path: symbol.path };
    for (const field of OVERRIDE_FIELDS) override[field.json] = String(symbol[field.key]);
    return override;
  });
  return record;
}

function parseOverride(text: string | undefined, kind: OverrideKind, range?: readonly [number, number]): number | undefined {
  if (kind === 'DOUBLE') return parseDecimal(text);
  const value = kind === 'UINT' ? parseInteger(text, 0, UNSET.UINT) : parseInteger(text, -0x8000_0000, UNSET.INT);
  if (value === undefined || value === UNSET[kind] || !range) return value;
  return value >= range[0] && value <= range[1] ? value : undefined;
}

/** A `Symbols` item of a group body; fields it leaves out are unset (inherited). */
function parseGroupSymbol(item: unknown): SimGroupSymbol | undefined {
  if (!isJsonObject(item)) return undefined;
  const path = scalarText(item['Path']);
  if (!path || path.length > 128) return undefined;
  const symbol = inheritingGroupSymbol(path);
  for (const field of OVERRIDE_FIELDS) {
    if (!(field.json in item)) continue;
    const value = parseOverride(scalarText(item[field.json]), field.kind, field.range);
    if (value === undefined) return undefined;
    symbol[field.key] = value;
  }
  return symbol;
}

/** Commission rules are kept as sent, with every scalar turned into a string as the Web API answers them. */
function parseCommission(item: unknown): SimCommission | undefined {
  if (!isJsonObject(item)) return undefined;
  const asStrings = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(asStrings);
    if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, asStrings(inner)]));
    return typeof value === 'boolean' ? (value ? '1' : '0') : (scalarText(value) ?? '');
  };
  return asStrings(item) as SimCommission;
}

function parseList<T>(value: unknown, parse: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map(parse);
  return items.every((item): item is T => item !== undefined) ? items : undefined;
}

/**
 * /api/group/add: an upsert keyed by `Group`. Only the fields present change, except the arrays `Symbols` and
 * `Commissions`, which are replaced whole when present (send one symbol and the group has only that one).
 */
export function upsertGroup(groups: Map<string, SimGroup>, body: JsonObject | undefined): Answer {
  const name = scalarText(body?.['Group']);
  if (!body || !name || name.length > 64) return fail(MtRetcode.ERR_PARAMS);
  const existing = groups.get(name);
  const draft = groupSettings(existing ? structuredClone(existing) : { group: name, currency: 'USD', currencyDigits: 2, marginCall: 100, marginStopOut: 50 });
  for (const field of GROUP_NUMBERS) {
    if (!(field.json in body)) continue;
    const text = scalarText(body[field.json]);
    const value = field.integer ? parseInteger(text, field.min, field.max) : parseDecimal(text);
    if (value === undefined || value < field.min || value > field.max) return fail(MtRetcode.ERR_PARAMS);
    draft[field.key] = value;
  }
  for (const [json, key, pattern] of [
    ['Company', 'company', /^.{0,64}$/],
    ['Currency', 'currency', /^[A-Z]{3}$/],
  ] as const) {
    if (!(json in body)) continue;
    const text = scalarText(body[json]);
    if (text === undefined || !pattern.test(text)) return fail(MtRetcode.ERR_PARAMS);
    draft[key] = text;
  }
  if ('Symbols' in body) {
    const symbols = parseList(body['Symbols'], parseGroupSymbol);
    if (!symbols) return fail(MtRetcode.ERR_PARAMS);
    draft.symbols = symbols;
  }
  if ('Commissions' in body) {
    const commissions = parseList(body['Commissions'], parseCommission);
    if (!commissions) return fail(MtRetcode.ERR_PARAMS);
    draft.commissions = commissions;
  }
  // In percent, the stop-out must come after the margin call (a lower margin level); in money MT5 leaves it to the broker.
  if (draft.marginSOMode === 0 && draft.marginStopOut >= draft.marginCall) return fail(MtRetcode.ERR_PARAMS);
  if (existing) Object.assign(existing, draft);
  else groups.set(name, draft);
  return done(groupRecord(draft));
}
