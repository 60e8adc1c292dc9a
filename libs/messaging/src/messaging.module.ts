import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { EventConsumer, type ConsumedEvent } from './event-consumer';
import { tradewardenMeter } from '@tradewarden/telemetry';
import { createKafka, ensureTopics, type KafkaClientSecurity } from './kafka-client';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { topicName, type TopicBase } from './topics';

export const KAFKA = Symbol('KAFKA');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** A class whose handle() applies one consumed event in the consumer's transaction. */
export interface ConsumedEventHandler {
  handle(event: ConsumedEvent, manager: EntityManager): Promise<void>;
  /** After every rebalance: this member's whole assignment (see EventConsumerOptions.onAssigned). */
  partitionsAssigned?(assignment: Record<string, number[]>): void;
  /** The consumer crashed or stopped and holds no partition now. */
  partitionsRevoked?(): void;
  /** When present, the consumer applies up to MAX_EVENTS_PER_TRANSACTION events per transaction through this. */
  handleBatch?(events: ConsumedEvent[], manager: EntityManager): Promise<void>;
}

export interface ConsumerRegistration {
  /** Group id suffix; the full group is `<prefix.>tradewarden.<service>.<name>`. */
  name: string;
  topics: TopicBase[];
  handler: Type<ConsumedEventHandler>;
  /** How long the group waits for a silent member before reassigning its partitions (default 30 s). */
  sessionTimeoutMs?: number;
}

export interface MessagingOptions {
  service: string;
  brokers: string[];
  /** TLS/SASL to the brokers; plaintext when absent. */
  security?: KafkaClientSecurity;
  topicPrefix: string;
  produces: TopicBase[];
  consumers: ConsumerRegistration[];
  partitions?: Partial<Record<TopicBase, number>>;
}

const DEFAULT_PARTITIONS = 6;

/**
 * Starts the service's outbox relay and consumers once the application has bootstrapped, and stops them (consumers
 * first, so in-flight events finish, then the relay) on shutdown.
 */
@Injectable()
export class MessagingRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private relay: OutboxRelay | undefined;
  private readonly consumers: EventConsumer[] = [];

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {
    this.logger = new Logger(`messaging:${options.service}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const topics = new Set<TopicBase>([...this.options.produces, ...this.options.consumers.flatMap((c) => c.topics)]);
    await ensureTopics(
      this.kafka,
      [...topics].map((topic) => ({
        topic: topicName(this.options.topicPrefix, topic),
        numPartitions: this.options.partitions?.[topic] ?? DEFAULT_PARTITIONS,
      })),
    );
    if (this.options.produces.length > 0) {
      this.relay = new OutboxRelay(this.dataSource, this.kafka, { name: this.options.service });
      await this.relay.start();
    }
    for (const registration of this.options.consumers) {
      const handler = this.moduleRef.get(registration.handler, { strict: false });
      const prefix = this.options.topicPrefix ? `${this.options.topicPrefix}.` : '';
      const consumer = new EventConsumer(this.kafka, this.dataSource, {
        groupId: `${prefix}tradewarden.${this.options.service}.${registration.name}`,
        topics: registration.topics.map((topic) => topicName(this.options.topicPrefix, topic)),
        handler: (event, manager) => handler.handle(event, manager),
        sessionTimeoutMs: registration.sessionTimeoutMs,
        onAssigned: handler.partitionsAssigned ? (assignment) => handler.partitionsAssigned!(assignment) : undefined,
        onRevoked: handler.partitionsRevoked ? () => handler.partitionsRevoked!() : undefined,
        batchHandler: handler.handleBatch ? (events, manager) => handler.handleBatch!(events, manager) : undefined,
      });
      await consumer.start();
      this.consumers.push(consumer);
    }
    this.observeMetrics();
    this.logger.log(`relay ${this.relay ? 'running' : 'not needed'}, ${this.consumers.length} consumer(s) running`);
  }

  /** Consumer lag per partition, and the outbox rows not yet published: the two queues an operator watches. */
  private observeMetrics(): void {
    const meter = tradewardenMeter();
    const lag = meter.createObservableGauge('tradewarden.kafka.consumer.lag', { description: 'Messages between the committed position and the end of a partition, per consumer group', unit: '{message}' });
    const backlog = meter.createObservableGauge('tradewarden.outbox.backlog', { description: 'Outbox events written but not yet published to Kafka', unit: '{event}' });
    meter.addBatchObservableCallback(
      async (observer) => {
        for (const consumer of this.consumers) {
          for (const partition of consumer.partitionLag()) {
            observer.observe(lag, partition.lag, { 'messaging.consumer.group.name': partition.groupId, 'messaging.destination.name': partition.topic, 'messaging.destination.partition.id': String(partition.partition) });
          }
        }
        if (this.relay && this.dataSource.isInitialized) {
          const [row] = (await this.dataSource.query('SELECT count(*)::int AS unpublished FROM outbox_messages WHERE published_at IS NULL')) as { unpublished: number }[];
          observer.observe(backlog, row?.unpublished ?? 0, { 'service.component': this.options.service });
        }
      },
      [lag, backlog],
    );
  }

  /** Wakes the relay right after a transaction wrote outbox rows, instead of at its next poll. */
  publishSoon(): void {
    this.relay?.notify();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.relay?.stop();
  }
}

@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka(`tradewarden-${options.service}`, options.brokers, options.security) },
        { provide: OutboxWriter, useFactory: () => new OutboxWriter(options.topicPrefix) },
        MessagingRuntime,
      ],
      exports: [KAFKA, OutboxWriter, MessagingRuntime, MESSAGING_OPTIONS],
    };
  }
}
