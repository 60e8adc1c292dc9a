import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { checkpointKeyFromPem, checkpointVerifies, GENESIS_HASH, verifyChain, type ChainedRecord } from '@tradewarden/audit-chain';
import { freePort } from '@tradewarden/local-infra';
import { createKafka, decodeEnvelope, topicName, Topics } from '@tradewarden/messaging';
import type { auditV1 } from '@tradewarden/proto';
import { createSuiteDatabase, eventually, harnessServers, provisionServiceDatabase, serviceEnvironment, suiteTopicPrefix } from '@tradewarden/test-harness';
import { auditBurst, BURST_TOPICS, produceBurst } from './audit-burst-events';
import { startServiceProcess, type ServiceProcess } from './service-process';

const EVENTS = 10_000;
/** The audit service is killed once this many records are written: a good share, far from all. */
const KILL_AT = 2_500;

interface RecordRow {
  sequence: string;
  occurred_at: string;
  event_id: string;
  event_type: string;
  source_topic: string;
  actor_subject: string;
  actor_username: string;
  actor_roles: string[];
  actor_client: string;
  operation_id: string;
  server_id: string;
  trace_id: string;
  details: unknown;
  previous_hash: string;
  hash: string;
}

function chainedRecordOf(row: RecordRow): ChainedRecord {
  return {
    sequence: row.sequence,
    occurredAt: row.occurred_at,
    eventId: row.event_id,
    eventType: row.event_type,
    sourceTopic: row.source_topic,
    actorSubject: row.actor_subject,
    actorUsername: row.actor_username,
    actorRoles: row.actor_roles,
    actorClient: row.actor_client,
    operationId: row.operation_id,
    serverId: row.server_id,
    traceId: row.trace_id,
    details: row.details,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/**
 * Issue 6: "Kill the audit service during a 10,000-event burst; after restart every event has exactly one record."
 * The audit service runs as its own process (its append-only runtime role, the schema owner migrating) against the
 * harness's real Kafka and PostgreSQL; the test produces the burst over six of its topics, SIGKILLs it mid-stream (no
 * shutdown hooks: in-flight transactions die, offsets since the last commit are delivered again), starts a new process
 * and checks the trail and the compliance stream through a superuser connection and a Kafka consumer of its own.
 */
describe('audit service killed during a 10,000-event burst', () => {
  let database: Client;
  let env: Record<string, string>;
  let address: string;
  let topicPrefix: string;
  let groupId: string;
  let publicKeyPem: string;
  let audit: ServiceProcess | undefined;
  const logDir = mkdtempSync(join(tmpdir(), 'tradewarden-audit-burst-'));

  beforeAll(async () => {
    const suiteDatabase = await createSuiteDatabase('audit-burst');
    const db = await provisionServiceDatabase(suiteDatabase, 'audit', { separateRuntimeRole: true });
    topicPrefix = suiteTopicPrefix('audit-burst');
    groupId = `${topicPrefix}.tradewarden.audit.trail`;
    address = `127.0.0.1:${await freePort()}`;
    const checkpointKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    publicKeyPem = checkpointKeyFromPem(checkpointKey).publicKeyPem;
    env = {
      ...serviceEnvironment('audit', { port: Number(address.split(':')[1]), database: db, topicPrefix }),
      // Used only by the gRPC reads, which this test does not make: nothing listens there.
      IDENTITY_GRPC_ADDRESS: `127.0.0.1:${await freePort()}`,
      AUDIT_CHECKPOINT_KEY: checkpointKey,
      // Checkpoints are signed during the burst too, and must survive the kill like the records.
      AUDIT_CHECKPOINT_EVERY_RECORDS: '1000',
      AUDIT_CHECKPOINT_EVERY_SECONDS: '5',
    };
    database = new Client({ connectionString: suiteDatabase });
    await database.connect();
  });

  afterAll(async () => {
    if (audit && audit.child.exitCode === null && audit.child.signalCode === null) await audit.stop();
    await database?.end();
  });

  async function count(sql: string): Promise<number> {
    const { rows } = await database.query<{ count: number }>(sql);
    return rows[0]!.count;
  }
  const recordCount = () => count('SELECT count(*)::int AS count FROM audit.audit_records');

  /** Messages of the burst whose offsets the trail consumer group has committed (every topic is new: offsets from 0). */
  async function committedOffsets(): Promise<number> {
    const admin = createKafka(`audit-burst-admin-${randomUUID()}`, harnessServers().kafkaBrokers).admin();
    await admin.connect();
    try {
      const topics = await admin.fetchOffsets({ groupId, topics: BURST_TOPICS.map((topic) => topicName(topicPrefix, topic)) });
      return topics.flatMap((topic) => topic.partitions).reduce((sum, partition) => sum + Math.max(Number(partition.offset), 0), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('records every event exactly once, in one gap-free chain that verifies, and publishes each record', async () => {
    audit = await startServiceProcess('audit', env, address, logDir);
    const events = auditBurst(EVENTS);
    const produced = new Set(events.map((event) => event.envelope.eventId));
    expect(produced.size).toBe(EVENTS);

    const kafka = createKafka(`audit-burst-producer-${randomUUID()}`, harnessServers().kafkaBrokers);
    const producing = produceBurst(kafka, topicPrefix, events);
    // Fail fast if producing fails instead of waiting for records that will never come.
    let produceError: unknown;
    producing.catch((error: unknown) => (produceError = error));
    await eventually(
      async () => {
        expect(produceError).toBeUndefined();
        expect(await recordCount()).toBeGreaterThanOrEqual(KILL_AT);
      },
      300_000,
      50,
    );
    await audit.kill();
    await producing;

    // Dead now: nothing changes until the next process. Offsets never run ahead of the records they stand for, and the
    // events recorded after the last commit come again to the next process.
    const recordedAtKill = await recordCount();
    expect(recordedAtKill).toBeGreaterThanOrEqual(KILL_AT);
    expect(recordedAtKill).toBeLessThan(EVENTS);
    expect(await committedOffsets()).toBeLessThanOrEqual(recordedAtKill);

    audit = await startServiceProcess('audit', env, address, logDir);
    // The dead member's session (30 s) expires before the group rebalances to the new process.
    await eventually(async () => expect(await recordCount()).toBeGreaterThanOrEqual(EVENTS), 600_000, 1_000);
    // Every offset committed: whatever was delivered again has been through the consumer, and nothing more is coming.
    await eventually(async () => expect(await committedOffsets()).toBe(EVENTS), 120_000, 1_000);

    // Exactly one record per produced event, nothing else, in a gap-free chain 1..N that verifies from the genesis hash.
    const { rows } = await database.query<RecordRow>(
      `SELECT sequence::text, occurred_at, event_id, event_type, source_topic, actor_subject, actor_username, actor_roles, actor_client,
              operation_id, server_id, trace_id, details, previous_hash, hash
         FROM audit.audit_records ORDER BY audit_records.sequence`,
    );
    expect(rows).toHaveLength(EVENTS);
    const recordedIds = new Set(rows.map((row) => row.event_id));
    expect(recordedIds.size).toBe(EVENTS);
    expect([...recordedIds].filter((id) => !produced.has(id))).toEqual([]);
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: EVENTS }, (_, index) => index + 1));
    const records = rows.map(chainedRecordOf);
    expect(verifyChain(records, { sequence: 1n, previousHash: GENESIS_HASH })).toEqual({ valid: true, checked: EVENTS });
    const { rows: heads } = await database.query<{ sequence: string; hash: string }>('SELECT sequence::text, hash FROM audit.audit_chain_head');
    expect(heads).toEqual([{ sequence: String(EVENTS), hash: records.at(-1)!.hash }]);
    // Each event was processed once: one processed-events row per event, and nothing undecodable.
    expect(await count('SELECT count(*)::int AS count FROM audit.processed_events')).toBe(EVENTS);
    expect(await count('SELECT count(*)::int AS count FROM audit.dead_letters')).toBe(0);

    // Checkpoints signed across the kill each name the chain's hash at their sequence and verify with the public key.
    const { rows: checkpoints } = await database.query<{ sequence: string; head_hash: string; signed_at: string; key_id: string; signature: string }>(
      'SELECT sequence::text, head_hash, signed_at, key_id, signature FROM audit.audit_checkpoints ORDER BY audit_checkpoints.sequence',
    );
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    for (const checkpoint of checkpoints) {
      expect(checkpoint.head_hash).toBe(records[Number(checkpoint.sequence) - 1]!.hash);
      expect(checkpointVerifies({ sequence: checkpoint.sequence, headHash: checkpoint.head_hash, signedAt: checkpoint.signed_at, keyId: checkpoint.key_id, signature: checkpoint.signature }, publicKeyPem)).toBe(true);
    }

    // The compliance stream has every record: at least once on the wire (a relay killed after Kafka took a batch sends
    // it again), exactly once after de-duplication by sequence, each copy the record in the table.
    const stream = new Map<string, auditV1.AuditRecord>();
    let deliveries = 0;
    let conflicting = 0;
    const consumer = kafka.consumer({ groupId: `audit-burst-compliance-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topicName(topicPrefix, Topics.complianceRecords)], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const record = decodeEnvelope(message.value!).auditRecorded?.record;
          if (!record) return;
          deliveries += 1;
          const earlier = stream.get(record.sequence);
          if (earlier && (earlier.hash !== record.hash || earlier.eventId !== record.eventId)) conflicting += 1;
          stream.set(record.sequence, record);
        },
      });
      await eventually(async () => expect(stream.size).toBeGreaterThanOrEqual(EVENTS), 300_000, 1_000);
    } finally {
      await consumer.disconnect();
    }
    expect(stream.size).toBe(EVENTS);
    expect(deliveries).toBeGreaterThanOrEqual(EVENTS);
    expect(conflicting).toBe(0);
    const unlike = records.filter((record) => {
      const published = stream.get(record.sequence);
      return !published || published.eventId !== record.eventId || published.previousHash !== record.previousHash || published.hash !== record.hash;
    });
    expect(unlike.map((record) => record.sequence)).toEqual([]);
  }, 1_500_000);
});
