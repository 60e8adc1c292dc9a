import type { auditV1 } from '@tradewarden/proto';
import type { AuditContent } from '@tradewarden/audit-chain';

/** A record as the API and the compliance stream show it: everything its hash covers, and the hashes. */
export function auditRecordView(content: AuditContent, recordedAt: Date, previousHash: string, hash: string): auditV1.AuditRecord {
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
  };
}
