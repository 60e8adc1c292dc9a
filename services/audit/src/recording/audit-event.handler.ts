import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, OutboxWriter, payloadCase, type ConsumedEvent, type ConsumedEventHandler, type OutboxEvent } from '@tradewarden/messaging';
import { eventsV1 } from '@tradewarden/proto';
import { accountsNamedIn, recordHash, type AuditContent } from '@tradewarden/audit-chain';
import { AuditRecordRow } from './audit-record.entity';
import { auditRecordView } from './audit-record-view';
import { complianceStreamEvents } from './compliance-stream';

/** The compliance stream's key for records that concern no operation (denials, registry and template changes). */
const NO_OPERATION_KEY = 'no-operation';

/** The operation and server an event concerns, for querying; the full payload is kept in details. */
function subjectOf(envelope: eventsV1.EventEnvelope): { operationId: string; serverId: string } {
  const payload = envelope.operationSubmitted ?? envelope.operationStatusChanged ?? envelope.approvalRequested ?? envelope.operationApproved ?? envelope.operationRejected ?? envelope.approvalExpired;
  if (payload) {
    const serverId = envelope.operationSubmitted?.plan?.items[0]?.spec?.serverId ?? '';
    return { operationId: payload.operationId, serverId };
  }
  if (envelope.executionRequested) return { operationId: envelope.executionRequested.operationId, serverId: envelope.executionRequested.serverId };
  if (envelope.itemExecuted) return { operationId: envelope.itemExecuted.operationId, serverId: envelope.itemExecuted.serverId };
  if (envelope.operationPlanPage) return { operationId: envelope.operationPlanPage.operationId, serverId: envelope.operationPlanPage.items[0]?.spec?.serverId ?? '' };
  if (envelope.credentialsClaimed) return { operationId: envelope.credentialsClaimed.operationId, serverId: envelope.credentialsClaimed.serverId };
  return { operationId: '', serverId: '' };
}

/**
 * Writes one hash-chained record per event. The chain head row is locked for the transaction, so records get gap-free
 * sequence numbers in commit order even with several audit instances; the consumer's processed-events rows in the same
 * transaction make a redelivered event a no-op. Events come in batches (one transaction for up to
 * MAX_EVENTS_PER_TRANSACTION of them): the cost of a record is then its share of one transaction, not a transaction.
 */
@Injectable()
export class AuditEventHandler implements ConsumedEventHandler {
  constructor(private readonly outbox: OutboxWriter) {}

  async handle(event: ConsumedEvent, manager: EntityManager): Promise<void> {
    await this.handleBatch([event], manager);
  }

  async handleBatch(events: ConsumedEvent[], manager: EntityManager): Promise<void> {
    const [head] = (await manager.query('SELECT sequence, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')) as { sequence: string; hash: string }[];
    if (!head) throw new Error('audit_chain_head is missing: migrations not applied?');
    let sequence = BigInt(head.sequence);
    let previousHash = head.hash;
    const rows: Partial<AuditRecordRow>[] = [];
    const published: OutboxEvent[] = [];
    const recordedAt = new Date();
    for (const { envelope, topic } of events) {
      sequence += 1n;
      const content = auditContentOfEvent(envelope, topic, sequence.toString());
      const hash = recordHash(previousHash, content);
      const accounts = accountsNamedIn(content.details);
      rows.push({ ...content, recordedAt, previousHash, hash, details: content.details as object, accounts });
      // The compliance stream, in the same transaction: a record exists if and only if it is published.
      published.push(
        ...complianceStreamEvents(
          content.operationId || NO_OPERATION_KEY,
          buildEnvelope({ auditRecorded: { record: auditRecordView(content, recordedAt, previousHash, hash, accounts) } }, { actor: envelope.actor, producer: 'audit', aggregateId: content.sequence }),
        ),
      );
      previousHash = hash;
    }
    for (let start = 0; start < rows.length; start += INSERT_ROWS) await manager.insert(AuditRecordRow, rows.slice(start, start + INSERT_ROWS));
    await this.outbox.addAll(manager, published);
    await manager.query('UPDATE audit_chain_head SET sequence = $1, hash = $2 WHERE id = 1', [sequence.toString(), previousHash]);
  }
}

/** Rows per INSERT of records (17 parameters each, well under PostgreSQL's 65,535). */
const INSERT_ROWS = 200;

/** What the record of an event says: everything its hash covers. */
function auditContentOfEvent(envelope: eventsV1.EventEnvelope, topic: string, sequence: string): AuditContent {
  const payloadKey = payloadCase(envelope);
  const json = eventsV1.EventEnvelope.toJSON(envelope) as Record<string, unknown>;
  const actor = envelope.actor;
  return {
    sequence,
    occurredAt: (envelope.occurredAt ?? new Date(0)).toISOString(),
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    sourceTopic: topic,
    actorSubject: actor?.subject ?? '',
    actorUsername: actor?.username ?? `service:${envelope.producer}`,
    actorRoles: actor?.roles ?? [],
    actorClient: actor?.clientId ?? '',
    ...subjectOf(envelope),
    traceId: envelope.traceId,
    details: payloadKey ? ((json[payloadKey] as object | undefined) ?? {}) : {},
  };
}
