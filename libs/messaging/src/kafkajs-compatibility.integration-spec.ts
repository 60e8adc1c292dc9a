import type { Consumer, Kafka } from 'kafkajs';
import { eventually, harnessServers, suiteTopicPrefix } from '@tradewarden/test-harness';
import { createKafka, ensureTopics } from './kafka-client';

// Proves that kafkajs 2.2.4 works with the broker version the project runs (KAFKA_VERSION): produce, consume in a
// group, rebalance when a second member joins, and commit offsets that a restarted group resumes from.
describe('kafkajs against the project broker', () => {
  let kafka: Kafka;
  let topic: string;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = createKafka('kafkajs-compatibility', harnessServers().kafkaBrokers);
    topic = `${suiteTopicPrefix('compat')}.orders`;
    await ensureTopics(kafka, [{ topic, numPartitions: 4 }]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
  });

  it('creates the same topics from several clients at once, each waiting until every partition has a leader', async () => {
    const shared = [6, 6, 6].map((partitions, index) => ({ topic: `${suiteTopicPrefix('compat-race')}.t${index}`, numPartitions: partitions }));
    const clients = Array.from({ length: 5 }, (_, index) => createKafka(`ensure-topics-${index}`, harnessServers().kafkaBrokers));
    await Promise.all(clients.map((client) => ensureTopics(client, shared)));
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: shared.map((spec) => spec.topic) });
    await admin.disconnect();
    expect(metadata.topics.map((found) => found.partitions.filter((partition) => partition.leader >= 0).length)).toEqual([6, 6, 6]);
  });

  async function produce(from: number, count: number): Promise<void> {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({ key: `key-${(from + i) % 10}`, value: String(from + i) })),
    });
    await producer.disconnect();
  }

  function member(groupId: string, seen: { member: string; key: string; value: number; partition: number }[], name: string) {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 500 });
    consumers.push(consumer);
    const assigned: number[][] = [];
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned.push((event.payload.memberAssignment[topic] ?? []) as number[]);
    });
    return {
      consumer,
      assigned,
      start: async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message, partition }) => {
            seen.push({ member: name, key: message.key!.toString(), value: Number(message.value!.toString()), partition });
          },
        });
      },
    };
  }

  it('produces, consumes in a group, rebalances to a second member and resumes from committed offsets', async () => {
    const groupId = `${topic}.group`;
    const seen: { member: string; key: string; value: number; partition: number }[] = [];
    await produce(0, 200);

    const first = member(groupId, seen, 'first');
    await first.start();
    await eventually(async () => expect(seen.length).toBeGreaterThanOrEqual(200));
    expect(first.assigned.at(-1)?.sort()).toEqual([0, 1, 2, 3]);

    const second = member(groupId, seen, 'second');
    await second.start();
    // Rebalance: both members end up with a share of the four partitions.
    await eventually(async () => {
      expect(second.assigned.at(-1)?.length ?? 0).toBeGreaterThan(0);
      expect(first.assigned.at(-1)!.length + second.assigned.at(-1)!.length).toBe(4);
    });
    await produce(200, 200);
    await eventually(async () => expect(new Set(seen.map((entry) => entry.value)).size).toBe(400));
    expect(new Set(seen.filter((entry) => entry.value >= 200).map((entry) => entry.member))).toEqual(new Set(['first', 'second']));

    // Each key stays on one partition and its values arrive in production order.
    const byKey = new Map<string, number[]>();
    for (const entry of seen) byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry.value]);
    for (const values of byKey.values()) {
      const unique = values.filter((value, index) => values.indexOf(value) === index);
      expect(unique).toEqual([...unique].sort((a, b) => a - b));
    }

    await first.consumer.disconnect();
    await second.consumer.disconnect();

    // Committed offsets equal the end of every partition.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    for (const end of ends) {
      expect(committed!.partitions.find((p) => p.partition === end.partition)?.offset).toBe(end.high);
    }

    // A restarted group member resumes after the committed offsets: it sees only new messages.
    const resumed: typeof seen = [];
    const third = member(groupId, resumed, 'third');
    await third.start();
    await produce(400, 5);
    await eventually(async () => expect(resumed.map((entry) => entry.value).sort((a, b) => a - b)).toEqual([400, 401, 402, 403, 404]));
  });
});
