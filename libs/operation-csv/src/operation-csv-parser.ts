import { createHash } from 'node:crypto';
import type { operationV1 } from '@tradewarden/proto';
import { readCsvRecords, type CsvByteSource, type CsvRecord } from './csv-record-reader';
import { specFromCells, type CsvRowError } from './operation-cell-values';
import { csvLayoutOf, OPERATION_TYPES, type OperationCsvLayout } from './operation-csv-layouts';

export interface ParsedCsvRow {
  /** Data rows count from 1 (the header is row 0), empty lines left out: item `items[row - 1]` of the operation. */
  row: number;
  /** Physical line of the file the row starts on, for people looking at the file in an editor. */
  line: number;
  /** Set when the row has no errors. */
  spec?: operationV1.OperationItemSpec;
  errors: CsvRowError[];
}

export interface OperationCsvOptions {
  /** Default 64 KiB. */
  maxRowBytes?: number;
  /** Default 256 MiB. */
  maxFileBytes?: number;
  /** Default 100,000: the most items one batch takes (SubmitBatch). */
  maxRows?: number;
}

export const DEFAULT_MAX_ROW_BYTES = 64 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 100_000;

/**
 * Reads a CSV of items of one operation type into OperationItemSpecs, a row at a time (memory stays bounded whatever
 * the file's size, but for one fingerprint per row to find duplicates). Bad input never throws: the header's problems
 * come as row 0 and end the parse; each bad data row comes with errors naming its columns.
 */
export async function* parseOperationCsv(source: CsvByteSource, operationType: string, options: OperationCsvOptions = {}): AsyncGenerator<ParsedCsvRow> {
  const layout = csvLayoutOf(operationType);
  if (!layout) {
    yield { row: 0, line: 0, errors: [{ field: 'operation_type', code: 'UNKNOWN_OPERATION_TYPE', message: `"${operationType}" is not an operation type (${OPERATION_TYPES.join(', ')})` }] };
    return;
  }
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const records = readCsvRecords(source, { maxRecordBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES, maxInputBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES });
  let header: string[] | undefined;
  let row = 0;
  const firstRowByFingerprint = new Map<string, number>();
  for await (const record of records) {
    if (header === undefined) {
      const errors = headerErrors(layout, record);
      if (errors.length > 0) {
        yield { row: 0, line: record.line, errors };
        return;
      }
      header = record.cells;
      continue;
    }
    row++;
    if (record.final) {
      yield { row, line: record.line, errors: record.issues.map((issue) => ({ field: '', code: issue.code, message: issue.message })) };
      return;
    }
    if (row > maxRows) {
      yield { row, line: record.line, errors: [{ field: '', code: 'TOO_MANY_ROWS', message: `a file holds at most ${maxRows} rows; split it` }] };
      return;
    }
    yield dataRow(layout, header, record, row, firstRowByFingerprint);
  }
  if (header === undefined) yield { row: 0, line: 0, errors: [{ field: '', code: 'EMPTY_FILE', message: `no header line; expected ${describeColumns(layout)}` }] };
}

function headerErrors(layout: OperationCsvLayout, record: CsvRecord): CsvRowError[] {
  if (record.issues.length > 0) return record.issues.map((issue) => ({ field: '', code: issue.code, message: `header: ${issue.message}` }));
  const known = new Set(layout.columns.map((column) => column.name));
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const name of record.cells) (seen.has(name) ? duplicated : seen).add(name);
  const unknown = [...seen].filter((name) => !known.has(name));
  const missing = layout.columns.filter((column) => column.required && !seen.has(column.name)).map((column) => column.name);
  const errors: CsvRowError[] = [];
  const quoted = (names: Iterable<string>) => [...names].map((name) => JSON.stringify(name)).join(', ');
  if (duplicated.size > 0) errors.push({ field: [...duplicated].join(','), code: 'DUPLICATE_COLUMN', message: `header: column ${quoted(duplicated)} appears more than once` });
  if (unknown.length > 0) {
    errors.push({ field: unknown.join(','), code: 'UNKNOWN_COLUMN', message: `header: unknown column ${quoted(unknown)} for ${layout.operationType}; columns are ${describeColumns(layout)}` });
  }
  if (missing.length > 0) errors.push({ field: missing.join(','), code: 'MISSING_COLUMN', message: `header: required column ${quoted(missing)} missing for ${layout.operationType}` });
  return errors;
}

function dataRow(layout: OperationCsvLayout, header: readonly string[], record: CsvRecord, row: number, firstRowByFingerprint: Map<string, number>): ParsedCsvRow {
  const errors: CsvRowError[] = record.issues.map((issue) => ({
    field: issue.cell === undefined ? '' : (header[issue.cell] ?? ''),
    code: issue.code,
    message: `row ${row}${issue.cell === undefined || header[issue.cell] === undefined ? '' : `, column ${header[issue.cell]}`}: ${issue.message}`,
  }));
  if (errors.length > 0) return { row, line: record.line, errors };
  if (record.cells.length !== header.length) {
    const tooMany = record.cells.length > header.length;
    return {
      row,
      line: record.line,
      errors: [{ field: '', code: tooMany ? 'TOO_MANY_CELLS' : 'TOO_FEW_CELLS', message: `row ${row}: ${record.cells.length} cells, the header has ${header.length} (quote cells that contain commas)` }],
    };
  }
  const fingerprint = createHash('sha256').update(JSON.stringify(record.cells)).digest('base64').slice(0, 22);
  const firstRow = firstRowByFingerprint.get(fingerprint);
  if (firstRow !== undefined) return { row, line: record.line, errors: [{ field: '', code: 'DUPLICATE_ROW', message: `row ${row} repeats row ${firstRow}` }] };
  firstRowByFingerprint.set(fingerprint, row);
  const built = specFromCells(layout, new Map(header.map((name, index) => [name, record.cells[index]!])));
  return {
    row,
    line: record.line,
    spec: built.spec,
    errors: built.errors.map((error) => ({ ...error, message: `row ${row}, column ${error.field}: ${error.message}` })),
  };
}

function describeColumns(layout: OperationCsvLayout): string {
  return layout.columns.map((column) => (column.required ? column.name : `[${column.name}]`)).join(',');
}
