/**
 * The CSV columns of each operation type, declared once. Column names are the params fields of catalogue.proto in
 * snake_case; a Money field becomes two columns, `amount` and `currency`. `server_id` comes first in every layout.
 *
 * `required` is about the header: a required column must be there; an optional one may be left out, and then the field
 * is not given (the server keeps the live value, or the proto default applies).
 */

/** How a cell's text becomes a field value. */
export type CellKind =
  /** Any text; empty is the empty string (which proto3 cannot tell from "not given" anyway). */
  | 'text'
  /** A proto3 `optional string`: empty means not given (undefined), never "". */
  | 'optional-text'
  /** A decimal string ("100", "-1.25"); empty passes as "" for the server to report. */
  | 'decimal'
  | 'optional-decimal'
  | 'int32'
  | 'optional-int32'
  /** int64 bit fields, carried as decimal strings so no bit is lost in a double. */
  | 'optional-int64'
  /** `true` or `false`. */
  | 'bool'
  /** PasswordKind: `main` or `investor`. */
  | 'password-kind'
  /** repeated string, `;`-separated in the cell. */
  | 'text-list'
  /** The two halves of a Money field. */
  | 'money-amount'
  | 'money-currency';

export interface CsvColumn {
  readonly name: string;
  readonly kind: CellKind;
  readonly required: boolean;
}

export interface OperationCsvLayout {
  /** Catalogue type, e.g. "balance.deposit". */
  readonly operationType: string;
  /** The OperationItemSpec oneof field: the type with "_" for ".". */
  readonly paramsField: string;
  /** Every column, `server_id` first. */
  readonly columns: readonly CsvColumn[];
}

export const SERVER_ID_COLUMN = 'server_id';

const required = (name: string, kind: CellKind): CsvColumn => ({ name, kind, required: true });
const optional = (name: string, kind: CellKind): CsvColumn => ({ name, kind, required: false });

const BALANCE_MOVEMENT: CsvColumn[] = [required('login', 'text'), required('amount', 'money-amount'), required('currency', 'money-currency'), optional('comment', 'text')];

const COLUMNS_BY_TYPE: Record<string, CsvColumn[]> = {
  // BalanceMovementParams
  'balance.deposit': BALANCE_MOVEMENT,
  'balance.withdrawal': BALANCE_MOVEMENT,
  'balance.credit_in': BALANCE_MOVEMENT,
  'balance.credit_out': BALANCE_MOVEMENT,
  // AccountCreateParams: an empty login lets the server allocate one.
  'account.create': [
    optional('login', 'text'),
    required('group', 'text'),
    required('first_name', 'text'),
    optional('last_name', 'text'),
    optional('email', 'text'),
    optional('phone', 'text'),
    optional('country', 'text'),
    optional('city', 'text'),
    optional('comment', 'text'),
    required('leverage', 'int32'),
  ],
  // AccountProfileParams: every field but the login is optional.
  'account.update_profile': [
    required('login', 'text'),
    optional('first_name', 'optional-text'),
    optional('last_name', 'optional-text'),
    optional('email', 'optional-text'),
    optional('phone', 'optional-text'),
    optional('country', 'optional-text'),
    optional('city', 'optional-text'),
    optional('comment', 'optional-text'),
  ],
  'account.set_leverage': [required('login', 'text'), required('leverage', 'int32')],
  'account.change_group': [required('login', 'text'), required('group', 'text')],
  'account.reset_password': [required('login', 'text'), required('kind', 'password-kind')],
  'account.set_trading': [required('login', 'text'), required('trading_enabled', 'bool')],
  'group.set_margin_levels': [
    required('group', 'text'),
    required('margin_call', 'decimal'),
    required('margin_stop_out', 'decimal'),
    optional('margin_so_mode', 'optional-int32'),
  ],
  'group.set_permissions': [required('group', 'text'), optional('permissions_flags', 'optional-int64'), optional('trade_flags', 'optional-int64')],
  'group.set_symbols': [required('group', 'text'), optional('add', 'text-list'), optional('remove', 'text-list')],
  'symbol.set_execution': [required('symbol', 'text'), optional('exec_mode', 'optional-int32'), optional('trade_mode', 'optional-int32')],
  'symbol.set_spread': [required('symbol', 'text'), required('spread', 'int32')],
  'symbol.set_swaps': [
    required('symbol', 'text'),
    optional('swap_long', 'optional-decimal'),
    optional('swap_short', 'optional-decimal'),
    optional('swap_mode', 'optional-int32'),
    optional('triple_swap_day', 'optional-int32'),
  ],
  // Sessions contain ";" and "," themselves: one quoted cell per session string.
  'symbol.set_sessions': [required('symbol', 'text'), optional('quotes', 'text'), optional('trades', 'text')],
  'position.modify_stops': [
    required('login', 'text'),
    required('position', 'text'),
    optional('price_sl', 'optional-decimal'),
    optional('price_tp', 'optional-decimal'),
    optional('through_dealer', 'bool'),
  ],
  'position.correct_price': [required('login', 'text'), required('position', 'text'), required('price_open', 'decimal')],
  'order.modify_stops': [required('login', 'text'), required('order', 'text'), optional('price_sl', 'optional-decimal'), optional('price_tp', 'optional-decimal')],
};

const LAYOUTS: ReadonlyMap<string, OperationCsvLayout> = new Map(
  Object.entries(COLUMNS_BY_TYPE).map(([operationType, columns]) => [
    operationType,
    { operationType, paramsField: operationType.replace('.', '_'), columns: [required(SERVER_ID_COLUMN, 'text'), ...columns] },
  ]),
);

/** Every operation type the CSV format knows, in catalogue order. */
export const OPERATION_TYPES: readonly string[] = [...LAYOUTS.keys()];

export function csvLayoutOf(operationType: string): OperationCsvLayout | undefined {
  return LAYOUTS.get(operationType);
}
