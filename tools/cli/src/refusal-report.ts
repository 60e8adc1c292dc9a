import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, basename, extname, join } from 'node:path';
import { refusedReportRow, writeReportCsv } from '@tradewarden/operation-csv';
import type { intakeV1, operationV1 } from '@tradewarden/proto';
import { rowOfIssueField } from './operation-format';
import type { RefusedRow } from './operation-input';

/** items.csv -> items.report.csv beside it. */
export function defaultReportPath(inputPath: string): string {
  return join(dirname(inputPath), `${basename(inputPath, extname(inputPath))}.report.csv`);
}

/** Report rows of the items refused locally, one per error so that a spreadsheet filter shows each. */
export function reportRowsOfRefusals(refused: readonly RefusedRow[]): intakeV1.ReportRow[] {
  return refused.flatMap((row) => row.errors.map((error) => refusedReportRow(row.row, row.serverId, error.code, error.message)));
}

/** Report rows of the problems the server named ("items[4].x" is row 5; request-wide problems are row 0). */
export function reportRowsOfIssues(issues: readonly operationV1.ItemIssue[]): intakeV1.ReportRow[] {
  return issues.map((issue) => refusedReportRow(rowOfIssueField(issue.field) ?? 0, '', issue.code, `${issue.field}: ${issue.message}`));
}

export async function writeReportFile(path: string, rows: AsyncIterable<intakeV1.ReportRow> | Iterable<intakeV1.ReportRow>): Promise<void> {
  const file = createWriteStream(path, { encoding: 'utf8' });
  try {
    for await (const line of writeReportCsv(rows)) {
      if (!file.write(line)) await once(file, 'drain');
    }
  } finally {
    file.end();
    await once(file, 'close');
  }
}
