import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { eventsV1 } from '@tradewarden/proto';
import { extractTraceContext, SpanKind, SpanStatusCode, startSpanAt, withSpan } from '@tradewarden/telemetry';
import { decodeEnvelope } from './envelope';

export interface ConsumedEvent {
  envelope: eventsV1.EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
}

/** Applies one event inside the transaction that also records it as processed. */
export type EventHandler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;

/**
 * Applies several events, in partition order, inside one transaction that also records them as processed (only the
 * ones not processed before are passed). For handlers whose per-event cost is mostly the transaction itself.
 */
export type EventBatchHandler = (events: ConsumedEvent[], manager: EntityManager) => Promise<void>;

/** Events a batch handler gets at most per transaction. */
export const MAX_EVENTS_PER_TRANSACTION = 200;

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  handler: EventHandler;
  /** When given, events are applied in transactions of up to MAX_EVENTS_PER_TRANSACTION through this instead. */
  batchHandler?: EventBatchHandler;
  /** Where a new group starts; services read their inputs from the beginning so nothing before boot is missed. */
  fromBeginning?: boolean;
  /** How long the group waits for a silent member (a crashed process) before giving its partitions to others. */
  sessionTimeoutMs?: number;
  /**
   * After every rebalance, the member's whole new assignment (topic -> partitions). kafkajs 2.2 rebalances eagerly and
   * has no revoke callback: this runs once the group has joined and synced, when other members may already be
   * consuming what this one lost.
   */
  onAssigned?: (assignment: Record<string, number[]>) => void;
  /** The consumer crashed (kafkajs may restart it and join again) or stopped: it holds no partition now. */
  onRevoked?: () => void;
}

/**
 * A Kafka consumer that applies each event at most once: the event id is inserted into processed_events in the same
 * transaction as the handler's changes, and a redelivered event (after a crash, a rebalance or a relay retry) finds
 * its row there and is skipped. Offsets are committed only after that transaction committed. Messages that cannot be
 * decoded are kept in dead_letters, never dropped silently.
 */
/** How far a partition's committed position trails its end, as of the last batch the consumer processed. */
export interface PartitionLag {
  groupId: string;
  topic: string;
  partition: number;
  lag: number;
}

export class EventConsumer {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly lagByPartition = new Map<string, PartitionLag>();

  constructor(
    kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly options: EventConsumerOptions,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30000) / 10)),
      allowAutoTopicCreation: false,
      retry: { retries: 8, initialRetryTime: 300 },
    });
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.lagByPartition.set(`${payload.topic}:${payload.partition}`, { groupId: options.groupId, topic: payload.topic, partition: payload.partition, lag: Number(payload.offsetLag) });
    });
    // A partition this instance no longer owns is another instance's to report.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.lagByPartition.clear());
  }

  /** Consumer lag per assigned partition (kafkajs reports it after each batch). */
  partitionLag(): PartitionLag[] {
    return [...this.lagByPartition.values()];
  }

  async start(): Promise<void> {
    const { onAssigned, onRevoked } = this.options;
    if (onAssigned) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => onAssigned(payload.memberAssignment));
    }
    if (onRevoked) {
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        this.logger.error(`consumer crashed (${payload.restart ? 'restarting' : 'not restarting'}): ${String(payload.error)}`);
        onRevoked();
      });
      this.consumer.on(this.consumer.events.STOP, () => onRevoked());
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    const batchHandler = this.options.batchHandler;
    if (batchHandler) {
      await this.consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload, batchHandler) });
      return;
    }
    await this.consumer.run({
      autoCommit: true,
      eachMessage: (payload) => this.onMessage(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** Resolves once the group has joined and partitions are assigned (for tests and readiness). */
  waitUntilJoined(timeoutMs = 30000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.options.groupId}: no group join within ${timeoutMs} ms`)), timeoutMs);
      const remove = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        remove();
        resolve();
      });
    });
  }

  /** The message's envelope, or undefined after keeping an undecodable message in dead_letters. */
  private async decoded(topic: string, partition: number, message: KafkaMessage): Promise<eventsV1.EventEnvelope | undefined> {
    try {
      if (!message.value) throw new Error('message has no value');
      return decodeEnvelope(message.value);
    } catch (error) {
      this.logger.error(`undecodable message at ${topic}[${partition}]@${message.offset}: ${String(error)}`);
      await this.dataSource.query(
        `INSERT INTO dead_letters (consumer_group, topic, partition, kafka_offset, message_key, payload, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [this.options.groupId, topic, partition, message.offset, message.key?.toString() ?? null, message.value, String(error)],
      );
      return undefined;
    }
  }

  /**
   * A batch of one partition in transactions of up to MAX_EVENTS_PER_TRANSACTION events: the events not processed
   * before are recorded and applied together, and the offset moves past them only after the commit. A crash between
   * commit and offset commit redelivers events that the processed-events rows then skip.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, handler: EventBatchHandler): Promise<void> {
    const { topic, partition } = batch;
    for (let start = 0; start < batch.messages.length; start += MAX_EVENTS_PER_TRANSACTION) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + MAX_EVENTS_PER_TRANSACTION);
      const events: ConsumedEvent[] = [];
      const traceparents: (string | undefined)[] = [];
      for (const message of messages) {
        const envelope = await this.decoded(topic, partition, message);
        if (!envelope) continue;
        events.push({ envelope, topic, partition, offset: message.offset, key: message.key?.toString() });
        traceparents.push(envelope.traceparent || message.headers?.['traceparent']?.toString());
      }
      if (events.length > 0) {
        await withSpan(`consume ${events.length} events`, async (span) => {
          span.setAttribute('messaging.system', 'kafka');
          span.setAttribute('messaging.destination.name', topic);
          span.setAttribute('messaging.batch.message_count', events.length);
          // The batch is its own trace; each event's trace (an operation's) gets a span of its own too, linked to the
          // batch, so that following one operation shows this service having processed its event.
          const startedAt = Date.now();
          const eventSpans = events.flatMap((event, index) => {
            const traceparent = traceparents[index];
            if (!traceparent) return [];
            const eventSpan = startSpanAt(`consume ${event.envelope.eventType}`, extractTraceContext({ traceparent }), startedAt, {
              kind: SpanKind.CONSUMER,
              links: [{ context: span.spanContext() }],
              attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.message.id': event.envelope.eventId },
            });
            return [{ event, eventSpan }];
          });
          try {
            const applied = await this.processBatch(events, handler);
            for (const { event, eventSpan } of eventSpans) if (!applied.has(event)) eventSpan.setAttribute('tradewarden.duplicate', true);
          } catch (error) {
            for (const { eventSpan } of eventSpans) eventSpan.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
            throw error;
          } finally {
            for (const { eventSpan } of eventSpans) eventSpan.end();
          }
        });
      }
      resolveOffset(messages.at(-1)!.offset);
      await heartbeat();
    }
  }

  /** Records the events not processed before and applies them in one transaction; returns those it applied. */
  private async processBatch(events: ConsumedEvent[], handler: EventBatchHandler): Promise<Set<ConsumedEvent>> {
    const { topic } = events[0]!;
    return this.dataSource.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO processed_events (consumer_group, event_id, topic)
         SELECT $1, event_id, $3 FROM unnest($2::uuid[]) AS event_id
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.options.groupId, events.map((event) => event.envelope.eventId), topic],
      )) as { event_id: string }[];
      const fresh = new Set(inserted.map((row) => row.event_id.toLowerCase()));
      // The same event twice in one batch (a relay retry) is applied once: the first occurrence.
      const toApply = events.filter((event) => fresh.delete(event.envelope.eventId.toLowerCase()));
      if (toApply.length < events.length) this.logger.debug(`skipping ${events.length - toApply.length} duplicate event(s)`);
      if (toApply.length > 0) await handler(toApply, manager);
      return new Set(toApply);
    });
  }

  private async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const envelope = await this.decoded(topic, partition, message);
    if (!envelope) return;
    const parent = extractTraceContext({ traceparent: envelope.traceparent || message.headers?.['traceparent']?.toString() });
    await withSpan(
      `consume ${envelope.eventType}`,
      async (span) => {
        span.setAttribute('messaging.system', 'kafka');
        span.setAttribute('messaging.destination.name', topic);
        span.setAttribute('messaging.message.id', envelope.eventId);
        await this.dataSource.transaction(async (manager) => {
          const inserted: unknown[] = await manager.query(
            `INSERT INTO processed_events (consumer_group, event_id, topic) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [this.options.groupId, envelope.eventId, topic],
          );
          if (inserted.length === 0) {
            this.logger.debug(`skipping duplicate event ${envelope.eventId}`);
            return;
          }
          await this.options.handler(
            { envelope, topic, partition, offset: message.offset, key: message.key?.toString() },
            manager,
          );
        });
      },
      parent,
      { kind: SpanKind.CONSUMER },
    );
  }
}
