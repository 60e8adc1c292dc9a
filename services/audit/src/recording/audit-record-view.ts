import type { auditV1 } from '@tradewarden/proto';
import { auditContentOf, type AuditContent, type ChainedRecord } from '@tradewarden/audit-chain';
import type { AuditRecordRow } from './audit-record.entity';

/** A record as the API and the compliance stream show it: everything its hash covers, and the hashes. */
export function auditRecordView(content: AuditContent, recordedAt: Date, previousHash: string, hash: string, accounts: string[]): auditV1.AuditRecord {
  return {
    sequence: content.sequence,
    recordedAt,
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

/** A stored record as the chain covers it. */
export function chainedRecordOf(row: AuditRecordRow): ChainedRecord {
  return { ...auditContentOf(row), previousHash: row.previousHash, hash: row.hash };
}

export function auditRecordViewOfRow(row: AuditRecordRow): auditV1.AuditRecord {
  return auditRecordView(chainedRecordOf(row), row.recordedAt, row.previousHash, row.hash, row.accounts);
}
