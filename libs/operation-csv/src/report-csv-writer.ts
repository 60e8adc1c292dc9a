import { intakeV1, operationV1 } from '@tradewarden/proto';
import { csvLine } from './csv-writer';

export const REPORT_COLUMNS = ['row', 'item_id', 'server_id', 'status', 'error_code', 'error_message', 'mt_reference'] as const;

/** "ITEM_STATUS_FAILED" -> "failed": the report is read by people in spreadsheets. */
export function itemStatusName(status: operationV1.ItemStatus): string {
  return operationV1.itemStatusToJSON(status).replace(/^ITEM_STATUS_/, '').toLowerCase();
}

export function reportLine(row: intakeV1.ReportRow): string {
  return csvLine([String(row.rowNumber), row.itemId, row.spec?.serverId ?? '', itemStatusName(row.status), row.errorCode, row.errorMessage, row.mtReference]);
}

/** The per-row report of an operation as CSV lines (header first), in the order the rows come. */
export async function* writeReportCsv(rows: AsyncIterable<intakeV1.ReportRow> | Iterable<intakeV1.ReportRow>): AsyncGenerator<string> {
  yield csvLine(REPORT_COLUMNS);
  for await (const row of rows) yield reportLine(row);
}

/** A report row for an item the client refused or the server refused before anything was stored. */
export function refusedReportRow(rowNumber: number, serverId: string, errorCode: string, errorMessage: string): intakeV1.ReportRow {
  return intakeV1.ReportRow.fromPartial({
    rowNumber,
    spec: serverId === '' ? undefined : { serverId },
    status: operationV1.ItemStatus.ITEM_STATUS_SKIPPED,
    errorCode,
    errorMessage,
  });
}
