import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { csvLayoutOf, LIST_SEPARATOR, OPERATION_TYPES, SERVER_ID_COLUMN, specFromCells, type CsvRowError, type OperationCsvLayout } from '@tradewarden/operation-csv';
import type { operationV1 } from '@tradewarden/proto';
import { CliError, ExitCode, UsageError } from './exit-codes';

/** Where the items of a validate or submit come from. */
export type OperationInput =
  | { kind: 'items'; specs: operationV1.OperationItemSpec[]; path?: string }
  | { kind: 'csv'; path: string; operationType: string };

export interface OperationInputFlags {
  server?: string;
  set?: string[];
  file?: string;
  csv?: string;
}

/** A row the CLI refused before sending anything: row 1 is the first item. */
export interface RefusedRow {
  row: number;
  serverId: string;
  errors: CsvRowError[];
}

/** Thrown when items are refused locally; the command writes the report and exits 1. */
export class InputRefusedError extends CliError {
  constructor(
    message: string,
    readonly rows: RefusedRow[],
  ) {
    super(message, ExitCode.Failed);
    this.name = 'InputRefusedError';
  }
}

export function layoutFor(operationType: string): OperationCsvLayout {
  const layout = csvLayoutOf(operationType);
  if (!layout) throw new UsageError(`unknown operation type "${operationType}"; one of: ${OPERATION_TYPES.join(', ')}`);
  return layout;
}

/** Exactly one of --set (with --server), --file or --csv. */
export function operationInput(operationType: string, flags: OperationInputFlags, readText: (path: string) => string = (path) => readFileSync(path, 'utf8')): OperationInput {
  const layout = layoutFor(operationType);
  const given = [flags.set?.length ? '--set' : undefined, flags.file && '--file', flags.csv && '--csv'].filter(Boolean);
  if (given.length !== 1) throw new UsageError(`give the items one way: --server <id> --set field=value ..., --file items.json or --csv items.csv${given.length > 1 ? ` (not ${given.join(' and ')})` : ''}`);
  if (flags.csv) {
    if (!existsSync(flags.csv)) throw new UsageError(`--csv: no file ${flags.csv}`);
    return { kind: 'csv', path: flags.csv, operationType };
  }
  if (flags.file) {
    if (!existsSync(flags.file)) throw new UsageError(`--file: no file ${flags.file}`);
    return { kind: 'items', specs: specsFromJson(layout, readText(flags.file), flags.server), path: flags.file };
  }
  if (!flags.server) throw new UsageError('--set needs --server <id>');
  return { kind: 'items', specs: [specFromSetFlags(layout, flags.server, flags.set ?? [])] };
}

/** `--set login=500001 --set amount=100 --set currency=USD`: the CSV columns of the type, with the same rules. */
export function specFromSetFlags(layout: OperationCsvLayout, serverId: string, assignments: readonly string[]): operationV1.OperationItemSpec {
  const known = new Set(layout.columns.map((column) => column.name));
  const cells = new Map<string, string>([[SERVER_ID_COLUMN, serverId]]);
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    const field = equals < 0 ? assignment : assignment.slice(0, equals);
    if (equals < 0) throw new UsageError(`--set ${assignment}: expected field=value`);
    if (!known.has(field) || field === SERVER_ID_COLUMN) throw new UsageError(`--set ${field}: not a field of ${layout.operationType}; fields: ${fieldList(layout)}`);
    if (cells.has(field)) throw new UsageError(`--set ${field} given twice`);
    cells.set(field, assignment.slice(equals + 1));
  }
  return specOrRefusal(layout, cells, 1);
}

/**
 * items.json: an array of items (or { "items": [...] }), each either flat like a CSV row
 * ({"server_id": "mt5-demo-1", "login": "500001", "amount": "5", "currency": "USD"}) or as the API takes it
 * ({"server_id": ..., "balance_deposit": {"login": ..., "amount": {"amount": "5", "currency": "USD"}}}).
 */
export function specsFromJson(layout: OperationCsvLayout, text: string, defaultServerId: string | undefined): operationV1.OperationItemSpec[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--file: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const items = Array.isArray(document) ? document : isObject(document) && Array.isArray(document['items']) ? document['items'] : undefined;
  if (!items) throw new UsageError('--file: expected a JSON array of items or an object with "items"');
  const refused: RefusedRow[] = [];
  const specs: operationV1.OperationItemSpec[] = [];
  items.forEach((item: unknown, index) => {
    try {
      specs.push(specOrRefusal(layout, cellsOfJsonItem(layout, item, defaultServerId, index + 1), index + 1));
    } catch (error) {
      if (error instanceof InputRefusedError) refused.push(...error.rows);
      else throw error;
    }
  });
  if (refused.length > 0) throw new InputRefusedError(`${refused.length} of ${items.length} items refused, nothing was sent`, refused);
  return specs;
}

function cellsOfJsonItem(layout: OperationCsvLayout, item: unknown, defaultServerId: string | undefined, row: number): Map<string, string> {
  const refuse = (field: string, code: string, message: string) => new InputRefusedError(message, [{ row, serverId: '', errors: [{ field, code, message: `item ${row}: ${message}` }] }]);
  if (!isObject(item)) throw refuse('', 'NOT_AN_OBJECT', 'an item is a JSON object');
  const { server_id: snakeServer, serverId: camelServer, ...rest } = item;
  const serverId = snakeServer ?? camelServer ?? defaultServerId;
  if (typeof serverId !== 'string') throw refuse(SERVER_ID_COLUMN, 'REQUIRED', 'server_id is missing (or give --server)');
  const nested = rest[layout.paramsField] ?? rest[camelCase(layout.paramsField)];
  const params = nested === undefined ? rest : isObject(nested) && Object.keys(rest).length === 1 ? nested : undefined;
  if (!params) throw refuse('', 'UNKNOWN_FIELD', `expected the fields of ${layout.operationType} (${fieldList(layout)}) or "${layout.paramsField}": {...} only`);
  const columns = new Map(layout.columns.map((column) => [column.name, column]));
  const cells = new Map<string, string>([[SERVER_ID_COLUMN, serverId]]);
  for (const [key, value] of Object.entries(params)) {
    const name = snakeCase(key);
    if (value === null || value === undefined) continue;
    if (name === 'amount' && isObject(value) && columns.get('amount')?.kind === 'money-amount') {
      for (const part of ['amount', 'currency'] as const) if (value[part] !== undefined) cells.set(part, String(value[part]));
      continue;
    }
    const column = columns.get(name);
    if (!column || name === SERVER_ID_COLUMN) throw refuse(key, 'UNKNOWN_FIELD', `"${key}" is not a field of ${layout.operationType}; fields: ${fieldList(layout)}`);
    if (Array.isArray(value)) cells.set(name, value.map(String).join(LIST_SEPARATOR));
    else if (column.kind === 'password-kind' && typeof value === 'string') cells.set(name, value.replace(/^PASSWORD_KIND_/, '').toLowerCase());
    else if (typeof value === 'object') throw refuse(key, 'NOT_A_VALUE', `"${key}" must be a string, number or boolean`);
    else cells.set(name, String(value));
  }
  return cells;
}

function specOrRefusal(layout: OperationCsvLayout, cells: ReadonlyMap<string, string>, row: number): operationV1.OperationItemSpec {
  const built = specFromCells(layout, cells);
  if (built.spec) return built.spec;
  throw new InputRefusedError(built.errors.map((error) => `${error.field}: ${error.message}`).join('; '), [{ row, serverId: cells.get(SERVER_ID_COLUMN) ?? '', errors: built.errors }]);
}

function fieldList(layout: OperationCsvLayout): string {
  return layout.columns
    .filter((column) => column.name !== SERVER_ID_COLUMN)
    .map((column) => column.name)
    .join(', ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The default client_request_id of a submission: the same input, type, options and template give the same id, so that
 * running the same command twice makes one operation (the second call is answered as a replay).
 */
export async function requestIdOf(parts: { operationType: string; options: unknown; template: string }, input: OperationInput): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([parts.operationType, parts.options, parts.template])).update('\0');
  if (input.kind === 'csv') {
    for await (const chunk of createReadStream(input.path)) hash.update(chunk as Buffer);
  } else hash.update(JSON.stringify(input.specs));
  return `cli-${hash.digest('hex')}`;
}
