import type { ExportVerdict } from '@tradewarden/audit-export';
import type { auditV1 } from '@tradewarden/proto';
import { table, timestamp } from './operation-format';

/** The item status of an execution result, or the denied permission; '-' for other records. */
function outcomeOf(record: auditV1.AuditRecord): string {
  try {
    const details = JSON.parse(record.detailsJson) as { status?: unknown; permission?: unknown };
    if (typeof details.status === 'string') return details.status.replace(/^ITEM_STATUS_/, '');
    if (record.eventType === 'AccessDenied') return 'DENIED';
  } catch {
    // Details that are not JSON are shown as they are by --json; the table just has no outcome for them.
  }
  return '-';
}

function accountsCell(accounts: readonly string[]): string {
  if (accounts.length === 0) return '-';
  return accounts.length <= 3 ? accounts.join(',') : `${accounts.slice(0, 3).join(',')} +${accounts.length - 3}`;
}

export function formatRecordTable(records: readonly auditV1.AuditRecord[], nextAfterSequence: string): string {
  if (records.length === 0) return 'no records';
  const rows = records.map((record) => [
    record.sequence,
    timestamp(record.occurredAt),
    record.eventType,
    record.actorUsername || record.actorSubject || '-',
    record.operationId || '-',
    record.serverId || '-',
    accountsCell(record.accounts),
    outcomeOf(record),
  ]);
  const lines = table(['seq', 'occurred', 'event', 'actor', 'operation', 'server', 'accounts', 'outcome'], rows);
  if (nextAfterSequence) lines.push(`(more records match: --after ${nextAfterSequence})`);
  return lines.join('\n');
}

export function formatChainVerdict(verdict: auditV1.VerifyChainResponse): string {
  if (verdict.valid) return `chain valid: ${verdict.recordsChecked} records recomputed`;
  return `chain INVALID at sequence ${verdict.firstBadSequence}: ${verdict.reason} (${verdict.recordsChecked} records verified before it)`;
}

export interface CheckpointCheck {
  checked: number;
  /** Checkpoints whose signature failed, or whose head hash is not the hash of the record at their sequence. */
  problems: string[];
  lastSequence?: string;
  keyId?: string;
}

export function formatCheckpointCheck(check: CheckpointCheck, keySource: string): string {
  if (check.checked === 0) return 'no signed checkpoints yet';
  if (check.problems.length > 0) return [`checkpoints INVALID (${check.problems.length} of ${check.checked}):`, ...check.problems.map((problem) => `  ${problem}`)].join('\n');
  return `${check.checked} signed checkpoints verified with ${keySource} (key ${check.keyId}); the latest vouches for the chain up to ${check.lastSequence}`;
}

export function formatExportVerdict(verdict: ExportVerdict): string {
  const range = verdict.records > 0 ? `sequences ${verdict.firstSequence}-${verdict.lastSequence}` : 'no records';
  const lines = verdict.valid
    ? [`export valid: ${verdict.records.toLocaleString('en-US')} records (${range}), ${verdict.complete ? 'complete range' : `filtered${Object.keys(verdict.filters).length > 0 ? ` by ${Object.entries(verdict.filters).map(([name, value]) => `${name}=${value}`).join(', ')}` : ''}`}`]
    : [`export INVALID${verdict.firstBadSequence ? ` at sequence ${verdict.firstBadSequence}` : ''}${verdict.line ? ` (line ${verdict.line})` : ''}: ${verdict.reason ?? 'unknown reason'}`];
  if (verdict.valid) {
    lines.push(`  ${verdict.checkpointsVerified} checkpoints verified with key ${verdict.keyId}; ${verdict.signedRecords.toLocaleString('en-US')} records vouched for by a signature${verdict.lastSignedSequence ? ` (up to ${verdict.lastSignedSequence}, head hash ${verdict.lastSignedHash})` : ''}`);
    if (verdict.unsignedTail > 0) lines.push(`  ${verdict.unsignedTail.toLocaleString('en-US')} records after the last checkpoint are consistent but not signed`);
    if (verdict.gaps > 0) lines.push(`  ${verdict.gaps} gaps between records (a filtered export)`);
  }
  lines.push(`  ${verdict.scope}`);
  for (const note of verdict.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
