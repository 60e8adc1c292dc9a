/**
 * The change vocabulary: the fields of MT records that plans show and changes set, named the same on MT5 and MT4, with
 * one canonical text form per value so that what the approver saw, what the gateway reads live and what it reads back
 * compare as plain strings.
 */

export type RecordKind = 'account' | 'group' | 'symbol' | 'position' | 'order';

export type FieldType =
  | { kind: 'text'; maxLength: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'decimal' }
  | { kind: 'bool' }
  /** Comma-separated list, order kept (MT group symbol paths). */
  | { kind: 'list' }
  /** Seven days (Sunday first) separated by ";", each a comma list of "open-close" minutes from 00:00. */
  | { kind: 'sessions' };

export interface FieldSpec {
  type: FieldType;
  /** Changes may set it; otherwise it is shown (and compared for drift) only. */
  settable: boolean;
}

const text = (maxLength: number, settable = true): FieldSpec => ({ type: { kind: 'text', maxLength }, settable });
const int = (min: number, max: number, settable = true): FieldSpec => ({ type: { kind: 'int', min, max }, settable });
const decimal = (settable = true): FieldSpec => ({ type: { kind: 'decimal' }, settable });
const bool: FieldSpec = { type: { kind: 'bool' }, settable: true };

// Text limits are MT5's (MT4's are smaller for some fields and checked by intake per platform): name parts 128,
// e-mail 64, phone 32, city 32, comment 64, group path 64.
export const VOCABULARY: Record<RecordKind, Record<string, FieldSpec>> = {
  account: {
    login: text(20, false),
    group: text(64),
    currency: text(3, false),
    first_name: text(128),
    last_name: text(128),
    email: text(64),
    phone: text(32),
    country: text(32),
    city: text(32),
    comment: text(64),
    leverage: int(1, 1000),
    enabled: bool,
    trading_enabled: bool,
    balance: decimal(false),
    credit: decimal(false),
  },
  group: {
    group: text(64, false),
    currency: text(3, false),
    margin_call: decimal(),
    margin_stop_out: decimal(),
    margin_so_mode: int(0, 1),
    symbols: { type: { kind: 'list' }, settable: true },
    // IMTConGroup::PermissionsFlags and TradeFlags bit fields (unsigned 32-bit).
    permissions_flags: int(0, 0xffffffff),
    trade_flags: int(0, 0xffffffff),
  },
  symbol: {
    symbol: text(32, false),
    path: text(128, false),
    digits: int(0, 8, false),
    spread: int(0, 1_000_000),
    trade_mode: int(0, 4),
    exec_mode: int(0, 3),
    swap_mode: int(0, 9),
    swap_long: decimal(),
    swap_short: decimal(),
    triple_swap_day: int(0, 6),
    sessions_quotes: { type: { kind: 'sessions' }, settable: true },
    sessions_trades: { type: { kind: 'sessions' }, settable: true },
  },
  position: {
    position: text(20, false),
    login: text(20, false),
    symbol: text(32, false),
    action: int(0, 1, false),
    volume: decimal(false),
    price_open: decimal(),
    price_sl: decimal(),
    price_tp: decimal(),
  },
  // Pending orders: only their stops are settable here (moving or resizing an order is a trading decision).
  order: {
    order: text(20, false),
    login: text(20, false),
    symbol: text(32, false),
    type: int(0, 8, false),
    volume: decimal(false),
    price_order: decimal(false),
    price_trigger: decimal(false),
    price_sl: decimal(),
    price_tp: decimal(),
  },
};

/**
 * Fields a change must find as the approver saw them even though it does not set them: the record is still the one
 * approved (same owner, group, currency...). Moving figures (balance, volume) are shown but not compared.
 */
export const CONTEXT_FIELDS: Record<RecordKind, readonly string[]> = {
  account: ['login', 'group', 'currency'],
  group: ['group', 'currency'],
  symbol: ['symbol', 'path', 'digits'],
  position: ['position', 'login', 'symbol', 'action'],
  // The order's prices too: its stops were checked against them, and an order moved since approval may make them wrong.
  order: ['order', 'login', 'symbol', 'type', 'price_order', 'price_trigger'],
};

/** A value that is not in the field's form; `field` names it for the caller's error (e.g. "set.leverage"). */
export class ChangeFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ChangeFieldError';
  }
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** "+007.500" -> "7.5", "-0.00" -> "0": one text per number, exact (no floats involved). */
export function canonicalDecimal(value: string, field = 'value'): string {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new ChangeFieldError(field, `"${value}" is not a decimal number`);
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction ? `${whole}.${fraction}` : whole;
  return match[1] === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

export interface TradingSession {
  /** Minutes from 00:00 server time. */
  open: number;
  close: number;
}

export function formatSessions(days: readonly (readonly TradingSession[])[]): string {
  if (days.length !== 7) throw new Error(`sessions need seven days, got ${days.length}`);
  return days.map((day) => day.map((session) => `${session.open}-${session.close}`).join(',')).join(';');
}

export function parseSessions(value: string, field = 'sessions'): TradingSession[][] {
  const days = value.split(';');
  if (days.length !== 7) throw new ChangeFieldError(field, 'seven days separated by ";" (Sunday first), e.g. ";0-1440;0-1440;0-1440;0-1440;0-1440;"');
  return days.map((day, index) =>
    day === ''
      ? []
      : day.split(',').map((range) => {
          const match = /^(\d{1,4})-(\d{1,4})$/.exec(range.trim());
          const open = Number(match?.[1]);
          const close = Number(match?.[2]);
          if (!match || open >= close || close > 1440) {
            throw new ChangeFieldError(field, `day ${index}: "${range}" is not "open-close" in minutes from 00:00 (0-1440, open before close)`);
          }
          return { open, close };
        }),
  );
}

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The canonical form of a value of `field` on a `kind` record; throws ChangeFieldError naming `path` when it is not valid. */
export function canonicalValue(kind: RecordKind, field: string, value: string, path = field): string {
  const spec = VOCABULARY[kind][field];
  if (!spec) throw new ChangeFieldError(path, `not a field of ${kind} records (known: ${Object.keys(VOCABULARY[kind]).join(', ')})`);
  const type = spec.type;
  switch (type.kind) {
    case 'text':
      if (value.length > type.maxLength) throw new ChangeFieldError(path, `at most ${type.maxLength} characters`);
      return value;
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw new ChangeFieldError(path, `"${value}" is not a whole number`);
      const number = Number(value);
      if (number < type.min || number > type.max) throw new ChangeFieldError(path, `must be ${type.min}-${type.max}`);
      return String(number);
    }
    case 'decimal':
      return canonicalDecimal(value, path);
    case 'bool':
      if (value !== 'true' && value !== 'false') throw new ChangeFieldError(path, 'must be "true" or "false"');
      return value;
    case 'list':
      return parseList(value).join(',');
    case 'sessions':
      return formatSessions(parseSessions(value, path));
  }
}

/**
 * Checks the `set` map of a change: every field known and settable, every value valid. Returns it in canonical form.
 */
export function canonicalChangeSet(kind: RecordKind, set: Readonly<Record<string, string>>): Record<string, string> {
  const fields = Object.keys(set);
  if (fields.length === 0) throw new ChangeFieldError('set', 'names no field to change');
  const canonical: Record<string, string> = {};
  for (const field of fields.sort()) {
    const spec = VOCABULARY[kind][field];
    if (spec && !spec.settable) throw new ChangeFieldError(`set.${field}`, `is read-only on ${kind} records`);
    canonical[field] = canonicalValue(kind, field, set[field]!, `set.${field}`);
  }
  return canonical;
}
