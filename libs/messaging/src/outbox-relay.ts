import { Logger } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';

/** Payload bytes of one send: under the broker's default message.max.bytes (1 MiB) with room for keys and headers. */
const BATCH_BYTES = 768 * 1024;

export interface OutboxRelayOptions {
  /** Name used for the advisory lock: one relay per service publishes at a time, which keeps per-key order. */
  name: string;
  batchSize?: number;
  idleDelayMs?: number;
  maxBackoffMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows to Kafka in id order and marks them published in the same transaction that locked them.
 * If Kafka is down the transaction rolls back and the same rows are retried with backoff, so nothing is lost and
 * the order of one key's events is kept. A crash after Kafka accepted a batch but before commit republishes it:
 * consumers de-duplicate by event id.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly producer: Producer;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private publishedCount = 0;

  constructor(
    private readonly dataSource: DataSource,
    kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.logger = new Logger(`outbox-relay:${options.name}`);
    // Idempotent producer with one request in flight: retries inside kafkajs cannot reorder or duplicate a batch.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  get published(): number {
    return this.publishedCount;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes the relay now instead of at its next poll (call after committing new outbox rows). */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let connected = false;
    while (this.running) {
      let delay = this.options.idleDelayMs ?? 100;
      try {
        if (!connected) {
          await this.producer.connect();
          connected = true;
        }
        const { sent, more } = await this.publishBatch();
        this.failures = 0;
        if (more || sent >= (this.options.batchSize ?? 500)) delay = 0;
      } catch (error) {
        this.failures += 1;
        delay = Math.min((this.options.maxBackoffMs ?? 5000), 100 * 2 ** Math.min(this.failures, 6));
        delay = Math.round(delay / 2 + Math.random() * (delay / 2));
        this.logger.warn(`publishing failed (attempt ${this.failures}), retrying in ${delay} ms: ${String(error)}`);
        if (this.failures % 5 === 0 && connected) {
          // Start from a fresh connection after repeated failures (e.g. the broker restarted).
          await this.producer.disconnect().catch(() => undefined);
          connected = false;
        }
      }
      if (delay > 0 && this.running) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Publishes the next rows in order; `more` when rows were left for the next send. */
  private async publishBatch(): Promise<{ sent: number; more: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = await manager.query(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS acquired',
        [`tradewarden:outbox:${this.options.name}`],
      );
      if (!lock?.acquired) return { sent: 0, more: false };
      const candidates: OutboxRow[] = await manager.query(
        `SELECT id, topic, message_key, payload, headers FROM outbox_messages
          WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.options.batchSize ?? 500],
      );
      if (candidates.length === 0) return { sent: 0, more: false };
      // Kafka refuses a record batch over the broker's message.max.bytes (1 MiB by default), and the rows of one key
      // share a partition's batch: one send carries at most BATCH_BYTES of payload (always at least one row).
      const rows: OutboxRow[] = [];
      let bytes = 0;
      for (const row of candidates) {
        if (rows.length > 0 && bytes + row.payload.length > BATCH_BYTES) break;
        rows.push(row);
        bytes += row.payload.length;
      }
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
        byTopic.set(row.topic, messages);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
      });
      await manager.query('UPDATE outbox_messages SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      this.publishedCount += rows.length;
      return { sent: rows.length, more: rows.length < candidates.length };
    });
  }
}
