import type { AuditContent } from '@tradewarden/audit-chain';
import type { auditV1 } from '@tradewarden/proto';

/**
 * What the text formats need of a record, with the hashed time as the exact string the hash covers: the audit service
 * hashes `occurredAt.toISOString()`, and AuditRecord carries it as a Date, which converts back without loss (the chain
 * only ever hashed millisecond ISO strings).
 */
export interface RecordFields extends AuditContent {
  recordedAt: string;
  accounts: string[];
  /** The details as JSON text, exactly as the record carries them; `details` is them parsed (what the hash covers). */
  detailsJson: string;
  previousHash: string;
  hash: string;
}

/** A record's fields for export. Throws for a record the service should never produce (no times, details not JSON). */
export function recordFieldsOf(record: auditV1.AuditRecord): RecordFields {
  const { occurredAt, recordedAt } = record;
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) throw new Error(`audit record ${record.sequence} has no occurredAt`);
  if (!(recordedAt instanceof Date) || Number.isNaN(recordedAt.getTime())) throw new Error(`audit record ${record.sequence} has no recordedAt`);
  let details: unknown;
  try {
    details = JSON.parse(record.detailsJson);
  } catch {
    throw new Error(`audit record ${record.sequence} has details that are not JSON`);
  }
  return {
    sequence: record.sequence,
    recordedAt: recordedAt.toISOString(),
    occurredAt: occurredAt.toISOString(),
    eventId: record.eventId,
    eventType: record.eventType,
    sourceTopic: record.sourceTopic,
    actorSubject: record.actorSubject,
    actorUsername: record.actorUsername,
    actorRoles: record.actorRoles,
    actorClient: record.actorClient,
    operationId: record.operationId,
    serverId: record.serverId,
    accounts: record.accounts,
    traceId: record.traceId,
    detailsJson: record.detailsJson,
    details,
    previousHash: record.previousHash,
    hash: record.hash,
  };
}

/** Object members of JSON details, for reading a field such as `status` without trusting the shape. */
export function detailMember(details: unknown, key: string): string | undefined {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const value = (details as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
