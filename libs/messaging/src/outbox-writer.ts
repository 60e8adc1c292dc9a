import type { EntityManager } from 'typeorm';
import type { eventsV1 } from '@tradewarden/proto';
import { encodeEnvelope } from './envelope';
import { OutboxMessage } from './outbox-message.entity';
import { topicName, type TopicBase } from './topics';

/**
 * The largest event the outbox takes. Kafka refuses a record batch over the broker's message.max.bytes (1 MiB by
 * default) and the relay publishes strictly in order, so one oversized event would hold back every event after it:
 * writers keep their events well under this (plans travel in pages) and a larger one fails the writer's transaction.
 */
export const MAX_EVENT_BYTES = 768 * 1024;

export class EventTooLargeError extends Error {
  constructor(eventType: string, bytes: number) {
    super(`a ${eventType} event of ${bytes} bytes is over the ${MAX_EVENT_BYTES}-byte limit of an outbox event`);
    this.name = 'EventTooLargeError';
  }
}

/**
 * Adds events to the outbox inside the caller's transaction: the event exists if and only if the state change
 * committed. The relay publishes it afterwards.
 */
export class OutboxWriter {
  constructor(private readonly topicPrefix: string) {}

  async add(manager: EntityManager, topic: TopicBase, key: string, envelope: eventsV1.EventEnvelope): Promise<void> {
    await this.addAll(manager, [{ topic, key, envelope }]);
  }

  async addAll(
    manager: EntityManager,
    events: ReadonlyArray<{ topic: TopicBase; key: string; envelope: eventsV1.EventEnvelope }>,
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ topic, key, envelope }) => {
      const headers: Record<string, string> = {
        'event-id': envelope.eventId,
        'event-type': envelope.eventType,
      };
      if (envelope.traceparent) headers['traceparent'] = envelope.traceparent;
      const payload = encodeEnvelope(envelope);
      if (payload.length > MAX_EVENT_BYTES) throw new EventTooLargeError(envelope.eventType, payload.length);
      return manager.create(OutboxMessage, {
        eventId: envelope.eventId,
        eventType: envelope.eventType,
        topic: topicName(this.topicPrefix, topic),
        messageKey: key,
        payload,
        headers,
        publishedAt: null,
      });
    });
    // Insert in order: the bigserial id is the publication order.
    for (const row of rows) await manager.insert(OutboxMessage, row);
  }
}
