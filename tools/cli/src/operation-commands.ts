import { createReadStream } from 'node:fs';
import { status, type Metadata } from '@grpc/grpc-js';
import { clientStreamCall, unaryCall } from '@tradewarden/grpc-client';
import { parseOperationCsv, type ParsedCsvRow } from '@tradewarden/operation-csv';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { integerFlag, parseArguments, timeFlag } from './cli-arguments';
import { PlatformSession, type CliEnvironment } from './cli-context';
import { cliErrorFrom, ExitCode, splitFieldErrors, UsageError } from './exit-codes';
import { batchResultJson, formatBatchResult, formatOperationSummary, validationJson } from './operation-format';
import { InputRefusedError, operationInput, requestIdOf, type OperationInput, type RefusedRow } from './operation-input';
import { formatValidation } from './preview-format';
import { ProgressBar } from './progress-bar';
import { defaultReportPath, messageOf, reportRowsOfIssues, reportRowsOfRefusals, writeReportFile } from './refusal-report';
import { ValidationMerger } from './validation-merge';

export const OPERATION_USAGE = `  validate <type> --server <id> --set field=value ... | --file items.json | --csv items.csv
                                          dry run: each item's before -> after, errors, warnings, totals
  submit <type> (same inputs) [--skip-invalid] [--stop-on-error] [--max-failures N] [--canary-server id]
         [--canary-items N] [--not-before 2026-12-01T22:00:00Z] [--template name[@version]] [--request-id id] [--report path]
                                          submit an operation (CSV as a streamed batch); refusals go to a report CSV`;

/** The most items one ValidateOperation call or SubmitBatch chunk carries. */
export const CHUNK_SIZE = 1000;
/** Valid previews kept for the human output of a big file; items with errors or warnings are always kept. */
const PREVIEWS_SHOWN = 50;

const INPUT_FLAGS = { server: 'string', set: 'list', file: 'string', csv: 'string' } as const;

export async function validateCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, {
    usage: 'validate <type> --server <id> --set field=value ... | --file items.json | --csv items.csv [--template name[@version]]',
    flags: { ...INPUT_FLAGS, template: 'string' },
    positionals: ['type'],
  });
  const operationType = positionals[0]!;
  const session = new PlatformSession(environment, flags);
  try {
    const input = refusalsAsResult(() => operationInput(operationType, flags));
    const merger = new ValidationMerger(flags.json ? Number.POSITIVE_INFINITY : PREVIEWS_SHOWN);
    if ('refused' in input) for (const row of input.refused) merger.addRefused(row.row, row.serverId, row.errors);
    else {
      // Connected on the first batch with items: a file refused whole (a bad header) needs no platform.
      let connection: { intake: ReturnType<PlatformSession['intake']>; metadata: Metadata } | undefined;
      const validate = async (batch: operationV1.OperationItemSpec[], rows: number[]) => {
        connection ??= { intake: session.intake(), metadata: await session.metadata() };
        merger.add(batch, rows, await unaryCall(connection.intake, 'validateOperation', { operationType, items: batch, template: flags.template ?? '' }, connection.metadata, 60_000));
      };
      for await (const batch of batches(input)) {
        for (const row of batch.refused) merger.addRefused(row.row, row.serverId, row.errors);
        if (batch.specs.length > 0) await validate(batch.specs, batch.rows);
      }
    }
    const result = merger.result();
    environment.output.out(flags.json ? `${JSON.stringify(validationJson(result), null, 2)}\n` : `${formatValidation(result, merger.omitted)}\n`);
    return result.valid ? ExitCode.Ok : ExitCode.Failed;
  } catch (error) {
    throw cliErrorFrom(error, 'validate');
  } finally {
    session.close();
  }
}

export async function submitCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, {
    usage: 'submit <type> --server <id> --set field=value ... | --file items.json | --csv items.csv [options]',
    flags: {
      ...INPUT_FLAGS,
      'skip-invalid': 'boolean',
      'stop-on-error': 'boolean',
      'max-failures': 'string',
      'canary-server': 'string',
      'canary-items': 'string',
      'not-before': 'string',
      template: 'string',
      'request-id': 'string',
      report: 'string',
    },
    positionals: ['type'],
  });
  const operationType = positionals[0]!;
  const options: intakeV1.BatchOptions = {
    skipInvalid: flags['skip-invalid'] ?? false,
    stopOnError: flags['stop-on-error'] ?? false,
    maxFailures: integerFlag('max-failures', flags['max-failures'], { max: 2 ** 31 - 1 }) ?? 0,
    canaryServerId: flags['canary-server'] ?? '',
    canaryItems: integerFlag('canary-items', flags['canary-items'], { max: 2 ** 31 - 1 }) ?? 0,
    notBefore: timeFlag('not-before', flags['not-before']),
  };
  if (options.canaryServerId && options.canaryItems > 0) throw new UsageError('--canary-server and --canary-items exclude each other');
  const requestId = flags['request-id'];
  if (requestId !== undefined && (requestId.length < 1 || requestId.length > 128)) throw new UsageError('--request-id: 1 to 128 characters');
  const template = flags.template ?? '';
  const session = new PlatformSession(environment, flags);
  const output = environment.output;
  const inputPath = flags.csv ?? flags.file;
  const reportPath = flags.report ?? (inputPath ? defaultReportPath(inputPath) : undefined);
  /** Writes the per-row report; a report that cannot be written is said, and does not hide what happened. */
  const report = async (rows: AsyncIterable<intakeV1.ReportRow> | Iterable<intakeV1.ReportRow>): Promise<string> => {
    if (!reportPath) return '';
    try {
      await writeReportFile(reportPath, rows);
      return `per-row report: ${reportPath}`;
    } catch (error) {
      return `the per-row report was not written: ${messageOf(error)}`;
    }
  };
  const refuse = async (rows: AsyncIterable<intakeV1.ReportRow> | Iterable<intakeV1.ReportRow>, summary: string): Promise<ExitCode> => {
    const written = await report(rows);
    output.err(`${summary}${written ? `\n${written}` : ''}\n`);
    return ExitCode.Failed;
  };
  try {
    const input = refusalsAsResult(() => operationInput(operationType, flags));
    if ('refused' in input) {
      if (flags.json) output.out(`${JSON.stringify(refusalJson(input.refused, input.refused.reduce((count, row) => count + row.errors.length, 0)), null, 2)}\n`);
      return await refuse(reportRowsOfRefusals(input.refused), describeRefusals(input.refused));
    }
    // A CSV is read twice: first to refuse it before anything is sent when a row is malformed, then streamed.
    const check = input.kind === 'csv' ? await checkCsv(input.path, operationType) : undefined;
    if (check && check.refused.length > 0) {
      if (flags.json) output.out(`${JSON.stringify(refusalJson(check.refused, check.errorCount), null, 2)}\n`);
      return await refuse(reportRowsOfRefusals(check.refused), `refused before sending: ${check.errorCount} problem${check.errorCount === 1 ? '' : 's'} in ${input.path}\n${describeRefusals(check.refused)}`);
    }
    const clientRequestId = requestId ?? (await requestIdOf({ operationType, options, template }, input));
    const intake = session.intake();
    const metadata = await session.metadata();
    if (input.kind === 'items') {
      try {
        const response = await unaryCall(intake, 'submitOperation', { clientRequestId, operationType, items: input.specs, options, template }, metadata, 60_000);
        output.out(flags.json ? `${JSON.stringify(intakeV1.SubmitOperationResponse.toJSON(response), null, 2)}\n` : `${response.replayed ? 'already submitted (same request id)\n' : ''}${response.operation ? formatOperationSummary(response.operation) : ''}\n`);
        return ExitCode.Ok;
      } catch (error) {
        const refusal = cliErrorFrom(error, 'submit');
        const issues = isInvalidArgument(error) ? issuesOfDetails(error) : [];
        // The server refused the items: a script with --json reads the problems as it does for a CSV batch.
        if (flags.json && issues.length > 0) {
          output.out(`${JSON.stringify({ submitted: false, errorCount: issues.length, errors: issues.map((issue) => operationV1.ItemIssue.toJSON(issue)) }, null, 2)}\n`);
        }
        if (refusal.exitCode !== ExitCode.Failed || !reportPath) throw refusal;
        return await refuse(reportRowsOfIssues(issues), refusal.message);
      }
    }
    if (check === undefined) throw new UsageError('no CSV input');
    if (check.rows === 0) throw new UsageError(`${input.path} has no items`);
    const progress = new ProgressBar((text) => output.err(text), output.stderrIsTty && !flags.json, check.rows, 'items sent');
    const response = await clientStreamCall(intake, 'submitBatch', batchMessages({ clientRequestId, operationType, options, template }, input, progress), metadata);
    progress.finish();
    output.out(flags.json ? `${JSON.stringify(batchResultJson(response), null, 2)}\n` : `${formatBatchResult(response)}\n`);
    if (!response.submitted) return await refuse(reportRowsOfIssues(response.errors), `the batch was refused; nothing was stored`);
    // Submitted: a report that cannot be written is a warning, not a failure of the submission.
    if (response.errors.length > 0 && reportPath) output.err(`${response.skippedItems} invalid items skipped; ${await report(reportRowsOfIssues(response.errors))}\n`);
    return ExitCode.Ok;
  } catch (error) {
    throw cliErrorFrom(error, 'submit');
  } finally {
    session.close();
  }
}

/** Items refused while reading the input become a result instead of an exception, to be reported per row. */
function refusalsAsResult(read: () => OperationInput): OperationInput | { refused: RefusedRow[] } {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputRefusedError) return { refused: error.rows };
    throw error;
  }
}

interface Batch {
  specs: operationV1.OperationItemSpec[];
  /** The input's row number of each spec. */
  rows: number[];
  refused: RefusedRow[];
}

/** The input in batches of at most CHUNK_SIZE items, with the rows refused while reading them. */
async function* batches(input: OperationInput): AsyncGenerator<Batch> {
  if (input.kind === 'items') {
    for (let start = 0; start < input.specs.length; start += CHUNK_SIZE) {
      const specs = input.specs.slice(start, start + CHUNK_SIZE);
      yield { specs, rows: specs.map((_spec, index) => start + index + 1), refused: [] };
    }
    return;
  }
  let batch: Batch = { specs: [], rows: [], refused: [] };
  for await (const row of parseOperationCsv(createReadStream(input.path), input.operationType)) {
    if (row.spec) {
      batch.specs.push(row.spec);
      batch.rows.push(row.row);
    } else batch.refused.push(refusedRow(row));
    if (batch.specs.length === CHUNK_SIZE) {
      yield batch;
      batch = { specs: [], rows: [], refused: [] };
    }
  }
  if (batch.specs.length > 0 || batch.refused.length > 0) yield batch;
}

function refusedRow(row: ParsedCsvRow): RefusedRow {
  return { row: row.row, serverId: row.spec?.serverId ?? '', errors: row.errors };
}

/** The rows of a CSV and its refused rows (the first 10,000 kept, all counted). */
async function checkCsv(path: string, operationType: string): Promise<{ rows: number; refused: RefusedRow[]; errorCount: number }> {
  const refused: RefusedRow[] = [];
  let rows = 0;
  let errorCount = 0;
  for await (const row of parseOperationCsv(createReadStream(path), operationType)) {
    if (row.row > 0) rows = row.row;
    if (row.errors.length === 0) continue;
    errorCount += row.errors.length;
    if (refused.length < 10_000) refused.push(refusedRow(row));
  }
  return { rows, refused, errorCount };
}

async function* batchMessages(
  header: { clientRequestId: string; operationType: string; options: intakeV1.BatchOptions; template: string },
  input: OperationInput & { kind: 'csv' },
  progress: ProgressBar,
): AsyncGenerator<intakeV1.SubmitBatchRequest> {
  yield { header };
  let sent = 0;
  for await (const batch of batches(input)) {
    // checkCsv found no bad row; a file changed between the two reads is not sent half.
    if (batch.refused.length > 0) throw new UsageError(`${input.path} changed while it was being sent (row ${batch.refused[0]!.row} is now refused)`);
    yield { items: { items: batch.specs } };
    sent += batch.specs.length;
    progress.update(sent);
  }
}

function describeRefusals(refused: readonly RefusedRow[]): string {
  const lines = refused.slice(0, 20).flatMap((row) => row.errors.map((error) => `  ${error.message.startsWith('row ') ? '' : `row ${row.row}: `}${error.message} [${error.code}]`));
  if (refused.length > 20) lines.push(`  ... and more rows (see the report)`);
  return lines.join('\n');
}

/** The --json document of items refused before sending: the shape of a refused batch, each error with its row. */
function refusalJson(refused: readonly RefusedRow[], errorCount: number): { submitted: false; errorCount: number; errors: { row: number; field: string; code: string; message: string }[] } {
  return { submitted: false, errorCount, errors: refused.flatMap((row) => row.errors.map((error) => ({ row: row.row, ...error }))) };
}

function isInvalidArgument(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === status.INVALID_ARGUMENT;
}

/** The field errors intake lists in an INVALID_ARGUMENT's details, as issues. */
function issuesOfDetails(error: unknown): operationV1.ItemIssue[] {
  const details = error instanceof Error ? ((error as Error & { details?: string }).details ?? error.message) : String(error);
  const [, ...fieldErrors] = splitFieldErrors(details);
  return fieldErrors.map((line) => {
    const match = /^([^:]+): (.*?)(?: \[([A-Z0-9_]+)\])?$/.exec(line);
    return match ? { field: match[1]!, message: match[2]!, code: match[3] ?? 'INVALID' } : { field: '', message: line, code: 'INVALID' };
  });
}
