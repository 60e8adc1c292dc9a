import type { operationV1 } from '@tradewarden/proto';
import { csvLine } from './csv-writer';
import { cellsFromSpec } from './operation-cell-values';
import { csvLayoutOf } from './operation-csv-layouts';

/**
 * Writes items of one operation type as the CSV parseOperationCsv reads: the header, then one line per item. Fields
 * not given are left empty.
 */
export async function* writeOperationCsv(
  operationType: string,
  specs: AsyncIterable<operationV1.OperationItemSpec> | Iterable<operationV1.OperationItemSpec>,
): AsyncGenerator<string> {
  const layout = csvLayoutOf(operationType);
  if (!layout) throw new Error(`"${operationType}" is not an operation type`);
  yield csvLine(layout.columns.map((column) => column.name));
  for await (const spec of specs) {
    const cells = cellsFromSpec(layout, spec);
    yield csvLine(layout.columns.map((column) => cells.get(column.name) ?? ''));
  }
}
