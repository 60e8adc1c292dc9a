import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, runMigrationsExclusively } from '@tradewarden/database';
import { freePort, startKafka, workspaceRoot, type KafkaServer } from '@tradewarden/local-infra';
import { eventsV1 } from '@tradewarden/proto';
import { createSuiteDatabase, eventually, provisionServiceDatabase } from '@tradewarden/test-harness';
import { buildEnvelope } from './envelope';
import { EventConsumer } from './event-consumer';
import { createKafka, ensureTopics } from './kafka-client';
import { messagingEntities } from './messaging-entities';
import { CreateMessagingTables1764201600000 } from './migrations/1764201600000-create-messaging-tables';
import { OutboxRelay } from './outbox-relay';
import { EventTooLargeError, MAX_EVENT_BYTES, OutboxWriter } from './outbox-writer';
import { Topics } from './topics';

// The relay runs against a Kafka of its own here, because the test stops and restarts it.
describe('outbox relay and idempotent consumer', () => {
  let kafkaServer: KafkaServer;
  let dataDir: string;
  let ports: { port: number; controllerPort: number };
  let dataSource: DataSource;
  const topic = Topics.operationEvents;

  const startBroker = () => startKafka({ dataDir, port: ports.port, controllerPort: ports.controllerPort, heapMb: 384 });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(workspaceRoot(), '.data', 'outbox-kafka-'));
    ports = { port: await freePort(), controllerPort: await freePort() };
    kafkaServer = await startBroker();
    const database = await provisionServiceDatabase(await createSuiteDatabase('outbox'), 'relaytest');
    dataSource = createServiceDataSource({
      url: database.url,
      schema: database.schema,
      entities: messagingEntities,
      migrations: [CreateMessagingTables1764201600000],
      applicationName: 'outbox-test',
    });
    await dataSource.initialize();
    await runMigrationsExclusively(dataSource, database.schema);
    await ensureTopics(createKafka('outbox-test-admin', [kafkaServer.bootstrap]), [{ topic, numPartitions: 3 }]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await kafkaServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function writeEvents(writer: OutboxWriter, keys: string[], from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i += 1) {
      const operationId = keys[i % keys.length]!;
      await dataSource.transaction((manager) =>
        writer.add(
          manager,
          topic,
          operationId,
          buildEnvelope(
            { operationStatusChanged: { operationId, fromStatus: 0, toStatus: 0, reason: String(i) } },
            { actor: undefined, producer: 'outbox-test', aggregateId: operationId },
          ),
        ),
      );
    }
  }

  it('publishes in order per key, survives a Kafka restart without loss, and consumers apply each event once', async () => {
    const writer = new OutboxWriter('');
    const keys = ['op-a', 'op-b', 'op-c', 'op-d'];
    const relay = new OutboxRelay(dataSource, createKafka('outbox-test-relay', [kafkaServer.bootstrap]), { name: 'test', idleDelayMs: 50 });
    const applied: { key: string; sequence: number }[] = [];
    const consumer = new EventConsumer(createKafka('outbox-test-consumer', [kafkaServer.bootstrap]), dataSource, {
      groupId: 'outbox-test-group',
      topics: [topic],
      handler: async ({ envelope, key }) => {
        applied.push({ key: key!, sequence: Number(envelope.operationStatusChanged!.reason) });
      },
    });
    await relay.start();
    await consumer.start();

    await writeEvents(writer, keys, 0, 40);
    await eventually(async () => expect(applied).toHaveLength(40));

    await kafkaServer.stop();
    await writeEvents(writer, keys, 40, 40);
    // Kafka is down: the rows stay in the outbox.
    const [{ pending }] = await dataSource.query('SELECT count(*)::int AS pending FROM outbox_messages WHERE published_at IS NULL');
    expect(pending).toBe(40);

    kafkaServer = await startBroker();
    await eventually(async () => expect(applied).toHaveLength(80), 90000);

    for (const key of keys) {
      const sequences = applied.filter((entry) => entry.key === key).map((entry) => entry.sequence);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(20);
    }

    // Republishing already-consumed events (as a relay crash before commit would) changes nothing.
    await dataSource.query('UPDATE outbox_messages SET published_at = NULL WHERE id IN (SELECT id FROM outbox_messages ORDER BY id LIMIT 10)');
    await eventually(async () => {
      const [{ unpublished }] = await dataSource.query('SELECT count(*)::int AS unpublished FROM outbox_messages WHERE published_at IS NULL');
      expect(unpublished).toBe(0);
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(applied).toHaveLength(80);

    await consumer.stop();
    await relay.stop();
  });

  it('publishes events that together pass Kafka\'s 1 MiB batch limit, in order, and refuses one event over the outbox limit', async () => {
    const writer = new OutboxWriter('');
    const key = 'op-large';
    const reason = (i: number) => `${i}:${'x'.repeat(300 * 1024)}`;
    const event = (text: string) =>
      buildEnvelope({ operationStatusChanged: { operationId: key, fromStatus: 0, toStatus: 0, reason: text } }, { actor: undefined, producer: 'outbox-test', aggregateId: key });
    // Eight events of 300 KiB on one key, so one partition: the relay used to send them as one 2.4 MB batch, which the
    // broker refuses (MESSAGE_TOO_LARGE) again at every retry, holding back everything after them.
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < 8; i += 1) await writer.add(manager, topic, key, event(reason(i)));
    });
    const tooLarge = dataSource.transaction((manager) => writer.add(manager, topic, key, event('y'.repeat(MAX_EVENT_BYTES))));
    await expect(tooLarge).rejects.toBeInstanceOf(EventTooLargeError);

    const relay = new OutboxRelay(dataSource, createKafka('outbox-test-large-relay', [kafkaServer.bootstrap]), { name: 'test-large', idleDelayMs: 50 });
    const applied: number[] = [];
    const consumer = new EventConsumer(createKafka('outbox-test-large-consumer', [kafkaServer.bootstrap]), dataSource, {
      groupId: 'outbox-test-large-group',
      topics: [topic],
      handler: async ({ envelope, key: received }) => {
        if (received === key) applied.push(Number(envelope.operationStatusChanged!.reason.split(':')[0]));
      },
    });
    await relay.start();
    await consumer.start();
    await eventually(async () => expect(applied).toEqual([0, 1, 2, 3, 4, 5, 6, 7]), 60000);
    await consumer.stop();
    await relay.stop();
  });

  it('keeps undecodable messages in dead_letters instead of dropping them', async () => {
    const kafka = createKafka('outbox-test-poison', [kafkaServer.bootstrap]);
    const consumer = new EventConsumer(kafka, dataSource, {
      groupId: 'poison-test-group',
      topics: [topic],
      handler: async () => undefined,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'poison', value: Buffer.from('not a protobuf envelope') }] });
    await producer.disconnect();
    await consumer.start();
    await eventually(async () => {
      const rows = await dataSource.query("SELECT error FROM dead_letters WHERE consumer_group = 'poison-test-group'");
      expect(rows.length).toBeGreaterThanOrEqual(1);
    });
    await consumer.stop();
    expect(eventsV1.EventEnvelope).toBeDefined();
  });
});
