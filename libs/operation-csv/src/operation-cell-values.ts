import { operationV1 } from '@tradewarden/proto';
import type { CellKind, CsvColumn, OperationCsvLayout } from './operation-csv-layouts';
import { SERVER_ID_COLUMN } from './operation-csv-layouts';

/** A problem with one row (or the header, row 0) of an operation CSV. `field` is the column name when there is one. */
export interface CsvRowError {
  field: string;
  code: string;
  message: string;
}

export const LIST_SEPARATOR = ';';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const PASSWORD_KINDS: Record<string, string> = { main: 'PASSWORD_KIND_MAIN', investor: 'PASSWORD_KIND_INVESTOR' };

type FieldValue = string | number | boolean | string[];
type Converted = { value: FieldValue | undefined } | { error: Omit<CsvRowError, 'field'> };

/** Kinds whose empty cell cannot mean anything but a mistake when the column is required. */
const NO_EMPTY_VALUE: ReadonlySet<CellKind> = new Set(['int32', 'bool', 'password-kind']);

function convertCell(kind: CellKind, text: string, columnRequired: boolean): Converted {
  if (text === '') {
    if (columnRequired && NO_EMPTY_VALUE.has(kind)) return { error: { code: 'EMPTY_VALUE', message: 'a value is required' } };
    // An optional column left empty gives no field: undefined for optional fields, the proto default otherwise.
    if (kind === 'text' || kind === 'decimal' || kind === 'money-amount' || kind === 'money-currency') return { value: '' };
    return { value: undefined };
  }
  switch (kind) {
    case 'text':
    case 'optional-text':
    case 'money-currency':
      return { value: text };
    case 'decimal':
    case 'optional-decimal':
    case 'money-amount':
      return DECIMAL.test(text) ? { value: text } : { error: { code: 'NOT_A_DECIMAL', message: `"${text}" is not a decimal number (digits with an optional "." fraction)` } };
    case 'int32':
    case 'optional-int32': {
      if (!INTEGER.test(text)) return { error: { code: 'NOT_AN_INTEGER', message: `"${text}" is not an integer` } };
      const value = Number(text);
      if (value < INT32_MIN || value > INT32_MAX) return { error: { code: 'OUT_OF_RANGE', message: `${text} is outside ${INT32_MIN}..${INT32_MAX}` } };
      return { value };
    }
    case 'optional-int64': {
      if (!INTEGER.test(text)) return { error: { code: 'NOT_AN_INTEGER', message: `"${text}" is not an integer` } };
      const value = BigInt(text);
      if (value < INT64_MIN || value > INT64_MAX) return { error: { code: 'OUT_OF_RANGE', message: `${text} is outside the 64-bit integer range` } };
      return { value: value.toString() };
    }
    case 'bool':
      if (text === 'true') return { value: true };
      if (text === 'false') return { value: false };
      return { error: { code: 'NOT_A_BOOLEAN', message: `"${text}" is not true or false` } };
    case 'password-kind': {
      const kind = PASSWORD_KINDS[text];
      return kind ? { value: kind } : { error: { code: 'UNKNOWN_PASSWORD_KIND', message: `"${text}" is not main or investor` } };
    }
    case 'text-list': {
      const entries = text.split(LIST_SEPARATOR);
      if (entries.some((entry) => entry === '')) return { error: { code: 'EMPTY_LIST_ENTRY', message: `"${text}" has an empty entry (entries are separated by "${LIST_SEPARATOR}")` } };
      return { value: entries };
    }
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown cell kind ${String(unreachable)}`);
    }
  }
}

/**
 * Builds one item from its cells by column name (a CSV row, or `--set field=value` pairs). Columns not given are not
 * set. Either every cell converts and there is a spec, or there are errors naming the columns.
 */
export function specFromCells(layout: OperationCsvLayout, cells: ReadonlyMap<string, string>): { spec?: operationV1.OperationItemSpec; errors: CsvRowError[] } {
  const errors: CsvRowError[] = [];
  const params: Record<string, unknown> = {};
  let serverId = '';
  for (const column of layout.columns) {
    const text = cells.get(column.name);
    if (text === undefined) continue;
    if (column.name === SERVER_ID_COLUMN) {
      serverId = text;
      continue;
    }
    const converted = convertCell(column.kind, text, column.required);
    if ('error' in converted) {
      errors.push({ field: column.name, ...converted.error });
      continue;
    }
    if (converted.value === undefined) continue;
    if (column.kind === 'money-amount' || column.kind === 'money-currency') {
      const money = (params['amount'] as Record<string, unknown> | undefined) ?? {};
      money[column.kind === 'money-amount' ? 'amount' : 'currency'] = converted.value;
      params['amount'] = money;
    } else params[column.name] = converted.value;
  }
  if (errors.length > 0) return { errors };
  // fromJSON takes the snake_case names of the proto and fills the defaults of the fields not given.
  return { spec: operationV1.OperationItemSpec.fromJSON({ [SERVER_ID_COLUMN]: serverId, [layout.paramsField]: params }), errors };
}

/** The cells of one item, by column name, as specFromCells reads them back; undefined for fields not given. */
export function cellsFromSpec(layout: OperationCsvLayout, spec: operationV1.OperationItemSpec): Map<string, string | undefined> {
  const json = operationV1.OperationItemSpec.toJSON(spec) as Record<string, unknown>;
  const params = (json[camelCase(layout.paramsField)] ?? {}) as Record<string, unknown>;
  const cells = new Map<string, string | undefined>();
  for (const column of layout.columns) cells.set(column.name, column.name === SERVER_ID_COLUMN ? spec.serverId : cellText(column, params));
  return cells;
}

function cellText(column: CsvColumn, params: Record<string, unknown>): string | undefined {
  if (column.kind === 'money-amount' || column.kind === 'money-currency') {
    const money = params['amount'] as Record<string, unknown> | undefined;
    const value = money?.[column.kind === 'money-amount' ? 'amount' : 'currency'];
    return typeof value === 'string' ? value : undefined;
  }
  const value = params[camelCase(column.name)];
  if (value === undefined) return undefined;
  if (column.kind === 'password-kind') return Object.keys(PASSWORD_KINDS).find((name) => PASSWORD_KINDS[name] === value);
  if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
  return String(value);
}

function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
