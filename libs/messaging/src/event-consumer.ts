import { Logger } from '@nestjs/common';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { eventsV1 } from '@tradewarden/proto';
import { extractTraceContext, withSpan } from '@tradewarden/telemetry';
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

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  handler: EventHandler;
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

  private async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    let envelope: eventsV1.EventEnvelope;
    try {
      if (!message.value) throw new Error('message has no value');
      envelope = decodeEnvelope(message.value);
    } catch (error) {
      this.logger.error(`undecodable message at ${topic}[${partition}]@${message.offset}: ${String(error)}`);
      await this.dataSource.query(
        `INSERT INTO dead_letters (consumer_group, topic, partition, kafka_offset, message_key, payload, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [this.options.groupId, topic, partition, message.offset, message.key?.toString() ?? null, message.value, String(error)],
      );
      return;
    }
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
    );
  }
}
