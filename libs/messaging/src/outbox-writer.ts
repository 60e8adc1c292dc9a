import type { EntityManager } from 'typeorm';
import type { eventsV1 } from '@tradewarden/proto';
import { createHash } from 'node:crypto';
import { encodeEnvelope, encodeEnvelopeJson } from './envelope';
import { OutboxMessage } from './outbox-message.entity';
import { topicName, type TopicBase } from './topics';

/**
 * The largest event the outbox takes. Kafka refuses a record batch over the broker's message.max.bytes (1 MiB by
 * default) and the relay publishes strictly in order, so one oversized event would hold back every event after it:
 * writers keep their events well under this (plans travel in pages) and a larger one fails the writer's transaction.
 */
export const MAX_EVENT_BYTES = 768 * 1024;

/** Rows and payload bytes per INSERT statement of outbox rows. */
const INSERT_ROWS = 500;
const INSERT_BYTES = 4 * 1024 * 1024;

export class EventTooLargeError extends Error {
  constructor(eventType: string, bytes: number) {
    super(`a ${eventType} event of ${bytes} bytes is over the ${MAX_EVENT_BYTES}-byte limit of an outbox event`);
    this.name = 'EventTooLargeError';
  }
}

/** How an event goes on the wire: protobuf (every internal topic), or the proto3 JSON mapping for outside consumers. */
export type EventEncoding = 'protobuf' | 'json';

export interface OutboxEvent {
  topic: TopicBase;
  key: string;
  envelope: eventsV1.EventEnvelope;
  encoding?: EventEncoding;
}

/** A stable UUID (version 5 layout, SHA-1 based) for the outbox row of an event's JSON copy. */
export function jsonCopyRowId(eventId: string): string {
  const bytes = createHash('sha1').update(`json-copy:${eventId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Adds events to the outbox inside the caller's transaction: the event exists if and only if the state change
 * committed. The relay publishes it afterwards.
 */
export class OutboxWriter {
  constructor(private readonly topicPrefix: string) {}

  async add(manager: EntityManager, topic: TopicBase, key: string, envelope: eventsV1.EventEnvelope, encoding: EventEncoding = 'protobuf'): Promise<void> {
    await this.addAll(manager, [{ topic, key, envelope, encoding }]);
  }

  async addAll(manager: EntityManager, events: ReadonlyArray<OutboxEvent>): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(({ topic, key, envelope, encoding = 'protobuf' }) => {
      const headers: Record<string, string> = {
        'event-id': envelope.eventId,
        'event-type': envelope.eventType,
        'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      };
      if (envelope.traceparent) headers['traceparent'] = envelope.traceparent;
      const payload = encoding === 'json' ? encodeEnvelopeJson(envelope) : encodeEnvelope(envelope);
      if (payload.length > MAX_EVENT_BYTES) throw new EventTooLargeError(envelope.eventType, payload.length);
      return manager.create(OutboxMessage, {
        // The outbox keeps one row per event id: a JSON copy of an event is a row of its own.
        eventId: encoding === 'json' ? jsonCopyRowId(envelope.eventId) : envelope.eventId,
        eventType: envelope.eventType,
        topic: topicName(this.topicPrefix, topic),
        messageKey: key,
        payload,
        headers,
        publishedAt: null,
      });
    });
    // In order: the bigserial id is the publication order, and a multi-row INSERT takes its ids in VALUES order. Each
    // statement carries a bounded amount of payload.
    let chunk: OutboxMessage[] = [];
    let chunkBytes = 0;
    for (const row of rows) {
      if (chunk.length > 0 && (chunk.length >= INSERT_ROWS || chunkBytes + row.payload.length > INSERT_BYTES)) {
        await manager.insert(OutboxMessage, chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(row);
      chunkBytes += row.payload.length;
    }
    if (chunk.length > 0) await manager.insert(OutboxMessage, chunk);
  }
}
