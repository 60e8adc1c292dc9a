import { generateKeyPairSync } from 'node:crypto';
import { GENESIS_HASH, checkpointKeyFromPem, recordHash, signCheckpoint, type AuditContent, type CheckpointKey } from '@tradewarden/audit-chain';
import type { auditV1 } from '@tradewarden/proto';
import { exportChunks } from '../export-lines';
import type { AuditExportFormat, ExportHeader } from '../export-format';

/** Test fixtures only: a real hash chain, a real Ed25519 key, and exports of them. */
export function checkpointKey(): CheckpointKey {
  return checkpointKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

const EVENT_TYPES = ['OperationSubmitted', 'OperationApproved', 'ExecutionRequested', 'ItemExecuted', 'AccessDenied'] as const;

/** The content of record `sequence`: a few event kinds, nested details, and an account login. */
export function contentOf(sequence: number, overrides: Partial<AuditContent> = {}): AuditContent {
  const eventType = EVENT_TYPES[(sequence - 1) % EVENT_TYPES.length]!;
  const details =
    eventType === 'ItemExecuted'
      ? { operationId: 'op-1', itemId: `item-${sequence}`, status: 'ITEM_STATUS_APPLIED', before: { balance: '100.00' }, after: { balance: '200.00' }, target: { login: String(500000 + sequence) } }
      : eventType === 'AccessDenied'
        ? { service: 'intake', method: '/tradewarden.intake.v1.IntakeService/SubmitOperation', code: 'PERMISSION_DENIED', reason: 'missing permission operation.submit' }
        : { operationId: 'op-1', amount: `${sequence}00.00`, nested: { b: 1, a: [2, { z: null }] }, items: [{ login: String(500000 + sequence) }] };
  return {
    sequence: String(sequence),
    occurredAt: new Date(Date.UTC(2026, 10, 27, 7, 0, 0, sequence)).toISOString(),
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    eventType,
    sourceTopic: 'tradewarden.intake.operation-events.v1',
    actorSubject: 'f1b2c3d4-0000-4000-8000-000000000001',
    actorUsername: 'agent',
    actorRoles: ['ops-agent', 'viewer'],
    actorClient: 'tradewarden-cli',
    operationId: eventType === 'AccessDenied' ? '' : 'op-1',
    serverId: eventType === 'AccessDenied' ? '' : 'mt5-demo-1',
    traceId: 'a'.repeat(32),
    details,
    ...overrides,
  };
}

/** What the audit service shows of a record (auditRecordView): the content, its hashes, recordedAt and accounts. */
export function auditRecordOf(content: AuditContent, previousHash: string, hash: string, accounts: string[] = []): auditV1.AuditRecord {
  return {
    sequence: content.sequence,
    recordedAt: new Date(Date.parse(content.occurredAt) + 5),
    occurredAt: new Date(content.occurredAt),
    eventId: content.eventId,
    eventType: content.eventType,
    sourceTopic: content.sourceTopic,
    actorSubject: content.actorSubject,
    actorUsername: content.actorUsername,
    actorRoles: content.actorRoles,
    actorClient: content.actorClient,
    operationId: content.operationId,
    serverId: content.serverId,
    traceId: content.traceId,
    detailsJson: JSON.stringify(content.details),
    previousHash,
    hash,
    accounts,
  };
}

/** Accounts as the audit service derives them: every `login` member's value. */
export function loginsIn(details: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        if (key === 'login' && typeof member === 'string') found.add(member);
        else visit(member);
      }
    }
  };
  visit(details);
  return [...found].sort();
}

/** Records 1..count of a valid chain. */
export function auditChain(count: number, contents: (sequence: number) => AuditContent = (sequence) => contentOf(sequence)): auditV1.AuditRecord[] {
  const records: auditV1.AuditRecord[] = [];
  let previousHash = GENESIS_HASH;
  for (let sequence = 1; sequence <= count; sequence += 1) {
    const content = contents(sequence);
    const hash = recordHash(previousHash, content);
    records.push(auditRecordOf(content, previousHash, hash, loginsIn(content.details)));
    previousHash = hash;
  }
  return records;
}

/** Signed checkpoints of the chain at the given sequences. */
export function checkpointsOf(records: readonly auditV1.AuditRecord[], sequences: readonly number[], key: CheckpointKey): auditV1.AuditCheckpoint[] {
  return sequences.map((sequence) => {
    const record = records.find((candidate) => candidate.sequence === String(sequence))!;
    return signCheckpoint({ sequence: record.sequence, headHash: record.hash, signedAt: new Date(Date.UTC(2026, 10, 27, 8, 0, 0, sequence)).toISOString() }, key);
  });
}

export function exportHeader(overrides: Partial<ExportHeader> & { keyId: string }): ExportHeader {
  return { exportedAt: new Date('2026-11-28T09:00:00.000Z'), complete: true, fromSequence: '1', toSequence: '10', filters: {}, ...overrides };
}

/** The lines of an export, as a reader of the file would see them (split on LF, no terminators). */
export async function exportedLines(
  format: AuditExportFormat,
  header: ExportHeader,
  records: readonly auditV1.AuditRecord[],
  checkpoints: readonly auditV1.AuditCheckpoint[],
): Promise<string[]> {
  let text = '';
  for await (const chunk of exportChunks(format, { header, records, checkpoints }, { hostname: 'audit-1.example' })) text += chunk.text;
  return text.split('\n').slice(0, -1);
}
