import { open, type FileHandle } from 'node:fs/promises';
import { dirname, basename, extname, join } from 'node:path';
import { refusedReportRow, writeReportCsv } from '@tradewarden/operation-csv';
import type { intakeV1, operationV1 } from '@tradewarden/proto';
import { CliError, ExitCode } from './exit-codes';
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
  await writeLinesToFile(path, writeReportCsv(rows));
}

/** An error's message, also for errors made in another realm (where instanceof Error is false). */
export function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

/** Lines are written in pieces of about this many characters. */
const WRITE_CHUNK = 64 * 1024;

/**
 * Writes the lines to a file (replacing it) and returns how many there were. The file is opened before the first line
 * is asked for, so a path that cannot be written (no such folder, no permission) is a CliError naming it, with exit 1,
 * before anything is read; a failing source (a gRPC stream) fails the call with its own error.
 */
export async function writeLinesToFile(path: string, lines: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const cannotWrite = (error: unknown) => new CliError(`cannot write ${path}: ${messageOf(error)}`, ExitCode.Failed);
  let file: FileHandle;
  try {
    file = await open(path, 'w');
  } catch (error) {
    throw cannotWrite(error);
  }
  const write = (text: string) => file.write(text).catch((error: unknown) => Promise.reject(cannotWrite(error)));
  let count = 0;
  let pending = '';
  try {
    for await (const line of lines) {
      count++;
      pending += line;
      if (pending.length >= WRITE_CHUNK) {
        await write(pending);
        pending = '';
      }
    }
    if (pending) await write(pending);
  } finally {
    await file.close();
  }
  return count;
}
