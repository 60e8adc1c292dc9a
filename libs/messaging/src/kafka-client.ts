import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import { Logger } from '@nestjs/common';

const levelNames: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** TLS and SASL for the brokers (libs/config's KafkaSecurity); none means plaintext, as the local platform runs. */
export interface KafkaClientSecurity {
  ssl?: true | { ca: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

function saslOptionsOf({ mechanism, username, password }: NonNullable<KafkaClientSecurity['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

export function createKafka(clientId: string, brokers: string[], security: KafkaClientSecurity = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...(security.ssl ? { ssl: security.ssl === true ? true : { ca: [security.ssl.ca], rejectUnauthorized: true } } : {}),
    ...(security.sasl ? { sasl: saslOptionsOf(security.sasl) } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const logger = new Logger(`kafka:${entry.namespace}`);
      const method = levelNames[entry.level] ?? 'log';
      const { message, ...rest } = entry.log;
      logger[method](`${message} ${JSON.stringify(rest)}`);
    },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** Errors of a topic whose creation has not reached every part of the broker's metadata yet. */
const PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'TOPIC_ALREADY_EXISTS', 'NOT_LEADER_FOR_PARTITION']);
const ENSURE_ATTEMPTS = 40;

function isPropagating(error: unknown): boolean {
  const kafkaError = error as { type?: string; retriable?: boolean; name?: string };
  return kafkaError.retriable === true || (kafkaError.type !== undefined && PROPAGATING.has(kafkaError.type)) || kafkaError.name === 'TopicsNotReadyError';
}

/**
 * Creates missing topics (existing ones are left as they are) and waits until every partition has a leader. Several
 * services start at once and create the same topics; a broker may then answer "unknown topic" for a moment while the
 * creation propagates, so the whole check is repeated until it holds.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((spec) => !existing.has(spec.topic));
        if (missing.length > 0) {
          await admin.createTopics({ topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: -1 })) });
        }
        const metadata = await admin.fetchTopicMetadata({ topics: topics.map((spec) => spec.topic) });
        const leaderless = metadata.topics.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0));
        if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((topic) => topic.name).join(', ')}`), { name: 'TopicsNotReadyError' });
        return;
      } catch (error) {
        if (attempt >= ENSURE_ATTEMPTS || !isPropagating(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * attempt)));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
