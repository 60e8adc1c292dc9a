import type { EntityManager } from 'typeorm';
import { Topics, type OutboxEvent, type OutboxWriter } from '@tradewarden/messaging';
import type { eventsV1 } from '@tradewarden/proto';

/** An event for the compliance stream, as the outbox takes it: in protobuf, and its JSON copy. */
export function complianceStreamEvents(key: string, envelope: eventsV1.EventEnvelope): OutboxEvent[] {
  return [
    { topic: Topics.complianceRecords, key, envelope },
    { topic: Topics.complianceRecordsJson, key, envelope, encoding: 'json' },
  ];
}

/**
 * Puts an event on the compliance stream, in protobuf and in its JSON copy, in the caller's transaction: a record or
 * checkpoint exists if and only if both topics get it.
 */
export async function publishOnComplianceStream(outbox: OutboxWriter, manager: EntityManager, key: string, envelope: eventsV1.EventEnvelope): Promise<void> {
  await outbox.addAll(manager, complianceStreamEvents(key, envelope));
}
