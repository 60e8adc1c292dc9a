import { itemStatusName } from '@tradewarden/operation-csv';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { ExitCode, UsageError } from './exit-codes';

const { OperationStatus } = operationV1;

/** "OPERATION_STATUS_PENDING_APPROVAL" -> "pending_approval". */
export function operationStatusName(status: operationV1.OperationStatus): string {
  return operationV1.operationStatusToJSON(status).replace(/^OPERATION_STATUS_/, '').toLowerCase();
}

/** --status completed,failed (or the proto names) -> the statuses; unknown names are a usage error. */
export function parseStatuses(values: readonly string[]): operationV1.OperationStatus[] {
  return values
    .flatMap((value) => value.split(','))
    .filter((name) => name !== '')
    .map((name) => {
      const status = operationV1.operationStatusFromJSON(name.toUpperCase().startsWith('OPERATION_STATUS_') ? name.toUpperCase() : `OPERATION_STATUS_${name.toUpperCase()}`);
      if (status === OperationStatus.UNRECOGNIZED || status === OperationStatus.OPERATION_STATUS_UNSPECIFIED) {
        throw new UsageError(`--status: unknown status "${name}"; one of: ${KNOWN_STATUSES.join(', ')}`);
      }
      return status;
    });
}

const KNOWN_STATUSES = Object.values(OperationStatus)
  .filter((value): value is operationV1.OperationStatus => typeof value === 'number' && value > 0)
  .map(operationStatusName);

/** --since: an ISO date/time, or a duration back from now ("30m", "24h", "7d"). */
export function parseSince(value: string, now: number): Date {
  const duration = /^(\d+)([mhd])$/.exec(value);
  if (duration) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(duration[1]) * unitMs);
  }
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new UsageError(`--since: "${value}" is neither a date (2025-01-31, 2025-01-31T08:00Z) nor a duration (30m, 24h, 7d)`);
  return date;
}

/** States after which nothing changes any more. */
const FINAL_STATES: ReadonlySet<operationV1.OperationStatus> = new Set([
  OperationStatus.OPERATION_STATUS_INVALID,
  OperationStatus.OPERATION_STATUS_COMPLETED,
  OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED,
  OperationStatus.OPERATION_STATUS_FAILED,
  OperationStatus.OPERATION_STATUS_REJECTED,
  OperationStatus.OPERATION_STATUS_EXPIRED,
  OperationStatus.OPERATION_STATUS_CANCELLED,
  OperationStatus.OPERATION_STATUS_REVERTED,
]);

export function isFinal(status: operationV1.OperationStatus): boolean {
  return FINAL_STATES.has(status);
}

/** Exit code of `ops watch`: 0 only when every item went through. */
export function exitCodeForFinalState(status: operationV1.OperationStatus): ExitCode {
  return status === OperationStatus.OPERATION_STATUS_COMPLETED ? ExitCode.Ok : ExitCode.Failed;
}

export function formatCounts(counts: intakeV1.ItemCounts | undefined): string {
  if (!counts) return '0 items';
  const parts = (['pending', 'applied', 'failed', 'drifted', 'rejected', 'skipped'] as const).filter((state) => counts[state] > 0).map((state) => `${counts[state]} ${state}`);
  return `${counts.total} item${counts.total === 1 ? '' : 's'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

export function timestamp(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

export function formatOperationList(operations: readonly intakeV1.Operation[], nextPageToken: string): string {
  if (operations.length === 0) return 'no operations';
  const rows = operations.map((operation) => [
    operation.operationId,
    operation.operationType,
    operationStatusName(operation.status),
    formatCounts(operation.counts),
    operation.submittedBy,
    timestamp(operation.submittedAt),
  ]);
  const lines = table(['id', 'type', 'status', 'items', 'submitted by', 'submitted at'], rows);
  if (nextPageToken) lines.push('(more operations match: raise --limit)');
  return lines.join('\n');
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

export function formatOperationSummary(operation: intakeV1.Operation): string {
  const lines = [
    `operation ${operation.operationId}  ${operation.operationType}  ${operationStatusName(operation.status).toUpperCase()}`,
    `  submitted by ${operation.submittedBy || '-'} at ${timestamp(operation.submittedAt)}; updated ${timestamp(operation.updatedAt)}`,
    `  ${formatCounts(operation.counts)}`,
  ];
  if (operation.clientRequestId) lines.push(`  request id ${operation.clientRequestId}`);
  if (operation.template) lines.push(`  template ${operation.template}`);
  if (operation.revertsOperationId) lines.push(`  reverts operation ${operation.revertsOperationId}`);
  if (operation.planDigest) lines.push(`  plan digest ${operation.planDigest}`);
  if (operation.statusReason) lines.push(`  reason: ${operation.statusReason}`);
  return lines.join('\n');
}

const DECIMAL = /^(-?)0*(\d+?)(?:\.(\d*?)0*)?$/;

/**
 * Whether two field values are the same. Decimals are compared by value: the plan's before-state writes money with the
 * currency's digits ("0.00") while the state read back after execution may not ("0"), and that is no change.
 */
export function sameFieldValue(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const canonical = (value: string) => {
    const match = DECIMAL.exec(value);
    if (!match) return undefined;
    const [, sign, whole, fraction] = match;
    const text = fraction ? `${whole}.${fraction}` : whole!;
    return text === '0' ? text : `${sign}${text}`;
  };
  const left = canonical(a);
  return left !== undefined && left === canonical(b);
}

/** "balance: 1000.00 -> 1250.50"; unchanged fields are left out, except that a value only known before is shown. */
export function formatChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.filter((field) => field in after && !sameFieldValue(before[field], after[field])).map((field) => `${field}: ${before[field] ?? '(none)'} -> ${after[field]}`);
}

export function formatOperationItem(item: intakeV1.OperationItem): string {
  const head = `row ${item.rowNumber}  ${item.spec?.serverId ?? ''}  ${itemStatusName(item.status)}${item.mtReference ? `  mt ref ${item.mtReference}` : ''}  (item ${item.itemId})`;
  const lines = [head, ...formatChanges(item.before, item.after).map((change) => `    ${change}`)];
  if (item.errorCode || item.errorMessage) lines.push(`    error ${item.errorCode}: ${item.errorMessage}`);
  for (const warning of item.warnings) lines.push(`    warning ${warning.code} ${warning.field}: ${warning.message}`);
  return lines.join('\n');
}

/** The answer to SubmitBatch or RetryFailedItems, for people. */
export function formatBatchResult(result: intakeV1.SubmitBatchResponse): string {
  if (!result.submitted) {
    const lines = [`refused: nothing was stored (${result.errorCount} problem${result.errorCount === 1 ? '' : 's'})`];
    for (const issue of result.errors.slice(0, 20)) lines.push(`  ${issue.field}: ${issue.message} [${issue.code}]`);
    if (result.errorCount > 20) lines.push(`  ... ${result.errorCount - 20} more in the report`);
    return lines.join('\n');
  }
  const lines = [
    `${result.replayed ? 'already submitted (same request id): ' : 'submitted: '}${result.acceptedItems} item${result.acceptedItems === 1 ? '' : 's'} accepted${result.skippedItems > 0 ? `, ${result.skippedItems} skipped as invalid` : ''}`,
  ];
  if (result.operation) lines.push(formatOperationSummary(result.operation));
  return lines.join('\n');
}

/**
 * The --json document of a validation: proto's JSON leaves false out, but scripts test `valid` (and `jq -e .valid` must
 * not tell "false" from "missing" by accident), so it is always there.
 */
export function validationJson(result: intakeV1.ValidateOperationResponse): Record<string, unknown> {
  return { valid: result.valid, ...(intakeV1.ValidateOperationResponse.toJSON(result) as Record<string, unknown>) };
}

/** The --json document of SubmitBatch and RetryFailedItems, with `submitted` always there (false is left out by proto). */
export function batchResultJson(result: intakeV1.SubmitBatchResponse): Record<string, unknown> {
  return { submitted: result.submitted, ...(intakeV1.SubmitBatchResponse.toJSON(result) as Record<string, unknown>) };
}

/** The row a server issue names ("items[4].x" is row 5), or undefined for request-wide problems. */
export function rowOfIssueField(field: string): number | undefined {
  const match = /^items\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) + 1 : undefined;
}
