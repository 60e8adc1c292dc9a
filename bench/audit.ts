/**
 * The audit trail's throughput, each figure against a baseline measured in the same run, on the harness's real Kafka,
 * PostgreSQL and Keycloak (started here, as the integration tests start them):
 *
 *   ingest   BENCH_INGEST_EVENTS events (a mix of six topics and kinds, e2e/src/audit-burst-events.ts) produced to Kafka
 *            and recorded by the audit service running in this process: records/s until every one is written, and
 *            until every record is also on the compliance stream (the outbox drained). Baselines: the same number of
 *            single-row INSERT transactions into a table of the same database, one after another (the floor cost of one
 *            durable write per event, as the service writes them), and a consumer that only reads and decodes the same
 *            messages from Kafka.
 *   verify   a valid chain of BENCH_VERIFY_RECORDS records (hashed here with recordHash, written by the schema owner in
 *            large batches, a signed checkpoint every 1,000), then VerifyChain over gRPC for the whole chain, and
 *            ExportRecords (JSON lines) to a file followed by the offline verifyExport of that file. Baseline: the same
 *            records' hashes recomputed in memory with recordHash.
 *
 * Memory is the whole process's (the services and the bench's client side run in it): peak RSS, and the heap's growth
 * over its size at the start of each phase (after a GC), at its peak (garbage included) and live (after a full GC every
 * 5 s; '-' for a shorter phase). A phase that held all its records would show hundreds of MB live. Identity runs in
 * this process too, for the authorization of the compliance user's calls.
 *
 *   npm run bench:audit   (BENCH_INGEST_EVENTS=20000 BENCH_VERIFY_RECORDS=1000000 to change)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { accountsNamedIn, checkpointKeyFromPem, GENESIS_HASH, recordHash, signCheckpoint, type AuditContent } from '@tradewarden/audit-chain';
import { verifyExport } from '@tradewarden/audit-export';
import { bearerMetadata, createGrpcClient, serverStreamCall, unaryCall, type RunningGrpcService } from '@tradewarden/grpc';
import { freePort } from '@tradewarden/local-infra';
import { createKafka, decodeEnvelope, payloadCase, topicName } from '@tradewarden/messaging';
import { auditV1, eventsV1 } from '@tradewarden/proto';
import { createSuiteDatabase, harnessServers, provisionServiceDatabase, serviceEnvironment, suiteTopicPrefix, userToken } from '@tradewarden/test-harness';
import globalSetup from '../libs/test-harness/src/global-setup';
import globalTeardown from '../libs/test-harness/src/global-teardown';
import { auditBurst, BURST_TOPICS, produceBurst, type BurstEvent } from '../e2e/src/audit-burst-events';
import { startAuditService } from '../services/audit/src/app';
import { loadAuditConfig } from '../services/audit/src/config';
import { startIdentityService } from '../services/identity/src/app';
import { loadIdentityConfig } from '../services/identity/src/config';

const ingestEvents = Number(process.env['BENCH_INGEST_EVENTS'] ?? 20_000);
const verifyRecords = Number(process.env['BENCH_VERIFY_RECORDS'] ?? 1_000_000);
const WARM_UP_EVENTS = 500;
const FILL_BATCH = 10_000;
const CHECKPOINT_EVERY = 1_000;

interface Figure {
  phase: string;
  records: number;
  seconds: number;
  baseline?: number;
  peakRssMb: number;
  heapGrowthMb: number;
  liveHeapGrowthMb: number | undefined;
  note?: string;
}

interface Measured<T> {
  result: T;
  seconds: number;
  peakRssMb: number;
  /** Peak heap in use over the heap at the start, garbage included. */
  heapGrowthMb: number;
  /** The same after a full GC (every LIVE_HEAP_EVERY_MS; none in a shorter phase): what the phase holds, not its garbage. */
  liveHeapGrowthMb: number | undefined;
}

const MB = 1024 * 1024;
const LIVE_HEAP_EVERY_MS = 5000;

/**
 * Runs one phase and samples the process's memory every 50 ms while it runs, with a full GC (node --expose-gc) every
 * 5 s to see the live heap; those GCs cost the phase a percent or two of its time.
 */
async function measured<T>(work: () => Promise<T>): Promise<Measured<T>> {
  global.gc?.();
  const startHeap = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = startHeap;
  let peakLiveHeap: number | undefined;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  const liveSampler = setInterval(() => {
    sample();
    global.gc?.();
    peakLiveHeap = Math.max(peakLiveHeap ?? 0, process.memoryUsage().heapUsed);
  }, LIVE_HEAP_EVERY_MS);
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    sample();
    return { result, seconds, peakRssMb: peakRss / MB, heapGrowthMb: (peakHeap - startHeap) / MB, liveHeapGrowthMb: peakLiveHeap === undefined ? undefined : Math.max(0, peakLiveHeap - startHeap) / MB };
  } finally {
    clearInterval(sampler);
    clearInterval(liveSampler);
  }
}

function figure<T>(phase: string, records: number, run: Measured<T>, baseline?: number, note?: string): Figure {
  return { phase, records, seconds: run.seconds, baseline, peakRssMb: run.peakRssMb, heapGrowthMb: run.heapGrowthMb, liveHeapGrowthMb: run.liveHeapGrowthMb, note };
}

function printTable(title: string, figures: Figure[]): void {
  const header = ['phase', 'records', 'seconds', 'records/s', 'x baseline', 'peak RSS MB', 'heap growth MB (peak / live)'];
  const rows = figures.map((row) => {
    const rate = row.records / row.seconds;
    return [
      row.phase + (row.note ? ` (${row.note})` : ''),
      row.records.toLocaleString('en-US'),
      row.seconds.toFixed(1),
      Math.round(rate).toLocaleString('en-US'),
      row.baseline === undefined ? 'baseline' : (rate / row.baseline).toFixed(2),
      row.peakRssMb.toFixed(0),
      `${row.heapGrowthMb.toFixed(0)} / ${row.liveHeapGrowthMb?.toFixed(0) ?? '-'}`,
    ];
  });
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`;
  console.log(title);
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function countOf(database: Client, sql: string): Promise<number> {
  const { rows } = await database.query<{ count: number }>(sql);
  return rows[0]!.count;
}

interface AuditInstance {
  service: RunningGrpcService;
  address: string;
  topicPrefix: string;
  ownerUrl: string;
  checkpointKeyPem: string;
}

async function startAudit(suiteDatabase: string, suite: string, identityAddress: string): Promise<AuditInstance> {
  const db = await provisionServiceDatabase(suiteDatabase, 'audit', { separateRuntimeRole: true });
  const port = await freePort();
  const topicPrefix = suiteTopicPrefix(suite);
  const checkpointKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const service = await startAuditService(
    loadAuditConfig({
      ...serviceEnvironment('audit', { port, database: db, topicPrefix }),
      IDENTITY_GRPC_ADDRESS: identityAddress,
      AUDIT_CHECKPOINT_KEY: checkpointKeyPem,
    }),
  );
  return { service, address: `127.0.0.1:${port}`, topicPrefix, ownerUrl: db.migrationUrl!, checkpointKeyPem };
}

/** N single-row INSERT transactions, one after another on one connection: one durable write per event. */
async function insertTransactions(database: Client, events: readonly BurstEvent[]): Promise<Measured<void>> {
  await database.query('CREATE TABLE bench_floor (id bigint PRIMARY KEY, event_id text NOT NULL UNIQUE, details jsonb NOT NULL)');
  const rows = events.map((event, index) => [index + 1, event.envelope.eventId, JSON.stringify(eventsV1.EventEnvelope.toJSON(event.envelope))]);
  return measured(async () => {
    for (const row of rows) await database.query('INSERT INTO bench_floor (id, event_id, details) VALUES ($1, $2, $3)', row);
  });
}

/** A consumer that reads and decodes the burst's messages and does nothing else: records/s between its first and last message. */
async function consumeOnly(topicPrefix: string, expected: number): Promise<{ seconds: number; run: Measured<void> }> {
  const kafka = createKafka('bench-audit-consume-only', harnessServers().kafkaBrokers);
  const consumer = kafka.consumer({ groupId: `${topicPrefix}.bench.consume-only` });
  let received = 0;
  let first = 0;
  let last = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: BURST_TOPICS.map((topic) => topicName(topicPrefix, topic)), fromBeginning: true });
    const run = await measured(async () => {
      await consumer.run({
        eachMessage: async ({ message }) => {
          decodeEnvelope(message.value!);
          received += 1;
          if (received === 1) first = performance.now();
          last = performance.now();
        },
      });
      await until(async () => received >= expected, 600_000, 50);
    });
    return { seconds: (last - first) / 1000, run };
  } finally {
    await consumer.disconnect();
  }
}

async function ingest(identityAddress: string, figures: Figure[]): Promise<void> {
  const suiteDatabase = await createSuiteDatabase('bench_audit_ingest');
  const audit = await startAudit(suiteDatabase, 'bench-audit-ingest', identityAddress);
  const database = new Client({ connectionString: suiteDatabase });
  await database.connect();
  try {
    const kafka = createKafka('bench-audit-producer', harnessServers().kafkaBrokers);
    // A warm-up burst first: the consumer group joined, the JIT and the connection pool warm.
    await produceBurst(kafka, audit.topicPrefix, auditBurst(WARM_UP_EVENTS));
    await until(async () => (await countOf(database, 'SELECT count(*)::int AS count FROM audit.audit_records')) >= WARM_UP_EVENTS, 300_000);
    await until(async () => (await countOf(database, 'SELECT count(*)::int AS count FROM audit.outbox_messages WHERE published_at IS NULL')) === 0, 300_000);

    const events = auditBurst(ingestEvents);
    const floor = await insertTransactions(database, events);
    const floorRate = ingestEvents / floor.seconds;
    figures.push(figure('single-row INSERT transactions', ingestEvents, floor));

    let recordedAt = 0;
    let produceSeconds = 0;
    const run = await measured(async () => {
      const started = performance.now();
      const producing = produceBurst(kafka, audit.topicPrefix, events).then(() => (produceSeconds = (performance.now() - started) / 1000));
      await until(async () => (await countOf(database, 'SELECT count(*)::int AS count FROM audit.audit_records')) >= WARM_UP_EVENTS + ingestEvents, 1_800_000);
      recordedAt = (performance.now() - started) / 1000;
      await producing;
      await until(async () => (await countOf(database, 'SELECT count(*)::int AS count FROM audit.outbox_messages WHERE published_at IS NULL')) === 0, 600_000);
    });
    const recorded = { ...run, seconds: recordedAt };
    figures.push(figure('audit: events recorded', ingestEvents, recorded, floorRate, `produced in ${produceSeconds.toFixed(1)} s`));
    figures.push(figure('audit: records also on the compliance stream', ingestEvents, run, floorRate));
    const records = await countOf(database, 'SELECT count(*)::int AS count FROM audit.audit_records');
    if (records !== WARM_UP_EVENTS + ingestEvents) throw new Error(`expected ${WARM_UP_EVENTS + ingestEvents} records, found ${records}`);

    const consumed = await consumeOnly(audit.topicPrefix, WARM_UP_EVENTS + ingestEvents);
    figures.push(figure('Kafka consume + decode only', WARM_UP_EVENTS + ingestEvents, { ...consumed.run, seconds: consumed.seconds }, floorRate, 'first to last message'));
  } finally {
    await database.end();
    await audit.service.close();
  }
}

/** What the audit service would record for an event, without sequence, id and time (a template for the filled chain). */
type Template = Omit<AuditContent, 'sequence' | 'eventId' | 'occurredAt'> & { accounts: string[] };

function templateOf(event: BurstEvent, topicPrefix: string): Template {
  const { envelope } = event;
  const key = payloadCase(envelope)!;
  const details = (eventsV1.EventEnvelope.toJSON(envelope) as Record<string, unknown>)[key] ?? {};
  const payload = details as { operationId?: string; serverId?: string };
  return {
    eventType: envelope.eventType,
    sourceTopic: topicName(topicPrefix, event.topic),
    actorSubject: envelope.actor?.subject ?? '',
    actorUsername: envelope.actor?.username ?? `service:${envelope.producer}`,
    actorRoles: envelope.actor?.roles ?? [],
    actorClient: envelope.actor?.clientId ?? '',
    operationId: payload.operationId ?? '',
    serverId: payload.serverId ?? '',
    traceId: envelope.traceId,
    details,
    accounts: accountsNamedIn(details),
  };
}

const BASE_TIME = Date.parse('2026-11-01T00:00:00.000Z');

/** Record `sequence` of the filled chain: deterministic, so the baseline can hash the very same records again. */
function contentAt(templates: readonly Template[], sequence: number): { content: AuditContent; accounts: string[] } {
  const { accounts, ...template } = templates[(sequence - 1) % templates.length]!;
  return {
    content: {
      ...template,
      sequence: String(sequence),
      occurredAt: new Date(BASE_TIME + sequence * 10).toISOString(),
      eventId: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
    },
    accounts,
  };
}

const FILL_SQL = `
  INSERT INTO audit.audit_records (sequence, recorded_at, occurred_at, event_id, event_type, source_topic, actor_subject, actor_username,
                                   actor_roles, actor_client, operation_id, server_id, trace_id, details, accounts, previous_hash, hash)
  SELECT sequence, recorded_at, occurred_at, event_id, event_type, source_topic, actor_subject, actor_username,
         actor_roles, actor_client, operation_id, server_id, trace_id, details, accounts, previous_hash, hash
    FROM json_to_recordset($1::json) AS r(sequence bigint, recorded_at timestamptz, occurred_at text, event_id text, event_type text,
         source_topic text, actor_subject text, actor_username text, actor_roles text[], actor_client text, operation_id text,
         server_id text, trace_id text, details jsonb, accounts text[], previous_hash text, hash text)`;

/**
 * Writes a valid chain of `count` records as the schema owner (who may INSERT; the append-only triggers refuse only
 * UPDATE, DELETE and TRUNCATE of history), a signed checkpoint every 1,000 records, and moves the chain head last, so
 * the running service's checkpointer finds nothing due while the records arrive. Returns the head hash.
 */
async function fillChain(owner: Client, templates: readonly Template[], count: number, checkpointKeyPem: string): Promise<string> {
  const key = checkpointKeyFromPem(checkpointKeyPem);
  let previousHash = GENESIS_HASH;
  let pending: Promise<unknown> = Promise.resolve();
  for (let start = 1; start <= count; start += FILL_BATCH) {
    const rows: Record<string, unknown>[] = [];
    const checkpoints: unknown[] = [];
    for (let sequence = start; sequence < start + FILL_BATCH && sequence <= count; sequence += 1) {
      const { content, accounts } = contentAt(templates, sequence);
      const hash = recordHash(previousHash, content);
      rows.push({
        sequence,
        recorded_at: new Date(BASE_TIME + sequence * 10 + 5).toISOString(),
        occurred_at: content.occurredAt,
        event_id: content.eventId,
        event_type: content.eventType,
        source_topic: content.sourceTopic,
        actor_subject: content.actorSubject,
        actor_username: content.actorUsername,
        actor_roles: content.actorRoles,
        actor_client: content.actorClient,
        operation_id: content.operationId,
        server_id: content.serverId,
        trace_id: content.traceId,
        details: content.details,
        accounts,
        previous_hash: previousHash,
        hash,
      });
      if (sequence % CHECKPOINT_EVERY === 0 || sequence === count) {
        const signed = signCheckpoint({ sequence: String(sequence), headHash: hash, signedAt: new Date(BASE_TIME + sequence * 10 + 7).toISOString() }, key);
        checkpoints.push([signed.sequence, signed.headHash, signed.signedAt, signed.keyId, signed.signature]);
      }
      previousHash = hash;
    }
    // One batch in flight while the next is built and hashed.
    await pending;
    const json = JSON.stringify(rows);
    pending = owner.query(FILL_SQL, [json]).then(() =>
      owner.query(
        `INSERT INTO audit.audit_checkpoints (sequence, head_hash, signed_at, key_id, signature)
           SELECT * FROM json_to_recordset($1::json) AS c(sequence bigint, head_hash text, signed_at text, key_id text, signature text)`,
        [JSON.stringify(checkpoints.map((values) => Object.fromEntries(['sequence', 'head_hash', 'signed_at', 'key_id', 'signature'].map((name, index) => [name, (values as string[])[index]]))))],
      ),
    );
  }
  await pending;
  await owner.query('UPDATE audit.audit_chain_head SET sequence = $1, hash = $2 WHERE id = 1', [count, previousHash]);
  await owner.query('ANALYZE audit.audit_records');
  return previousHash;
}

async function verification(identityAddress: string, figures: Figure[]): Promise<void> {
  const suiteDatabase = await createSuiteDatabase('bench_audit_verify');
  const audit = await startAudit(suiteDatabase, 'bench-audit-verify', identityAddress);
  const owner = new Client({ connectionString: audit.ownerUrl });
  await owner.connect();
  const dir = mkdtempSync(join(tmpdir(), 'tradewarden-bench-audit-'));
  const client = createGrpcClient(auditV1.AuditServiceService, audit.address, 'AuditService');
  try {
    const templates = auditBurst(6_000).map((event) => templateOf(event, audit.topicPrefix));
    const fill = await measured(() => fillChain(owner, templates, verifyRecords, audit.checkpointKeyPem));
    const headHash = fill.result;

    const baseline = await measured(async () => {
      let previousHash = GENESIS_HASH;
      for (let sequence = 1; sequence <= verifyRecords; sequence += 1) {
        previousHash = recordHash(previousHash, contentAt(templates, sequence).content);
        // Lets the memory sampler run (the loop is otherwise synchronous).
        if (sequence % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (previousHash !== headHash) throw new Error('the in-memory chain does not end in the head hash: not the same records');
    });
    const baselineRate = verifyRecords / baseline.seconds;
    figures.push(figure('recordHash in memory', verifyRecords, baseline));
    figures.push(figure('filling the table (hash + owner INSERTs)', verifyRecords, fill, baselineRate, 'setup'));

    const metadata = bearerMetadata(await userToken('compliance'));
    const verified = await measured(() => unaryCall(client, 'verifyChain', { fromSequence: '', toSequence: '' }, metadata, 3_600_000));
    if (!verified.result.valid || verified.result.recordsChecked !== String(verifyRecords)) throw new Error(`VerifyChain: ${JSON.stringify(verified.result)}`);
    figures.push(figure('VerifyChain over gRPC', verifyRecords, verified, baselineRate));

    const file = join(dir, 'export.jsonl');
    const exported = await measured(async () => {
      const out = createWriteStream(file);
      let records = 0;
      for await (const chunk of serverStreamCall(client, 'exportRecords', auditV1.ExportRecordsRequest.fromPartial({}), metadata)) {
        records += chunk.records;
        if (!out.write(chunk.text)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      return records;
    });
    if (exported.result !== verifyRecords) throw new Error(`ExportRecords wrote ${exported.result} records`);
    figures.push(figure('ExportRecords (JSON lines) to a file', verifyRecords, exported, baselineRate, `${(statSync(file).size / MB).toFixed(0)} MB`));

    const { publicKeyPem } = await unaryCall(client, 'listCheckpoints', { afterSequence: '', pageSize: 1 }, metadata);
    const offline = await measured(() => verifyExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), publicKeyPem));
    const verdict = offline.result;
    if (!verdict.valid || !verdict.complete || verdict.records !== verifyRecords || verdict.lastSignedSequence !== String(verifyRecords)) {
      throw new Error(`verifyExport: ${JSON.stringify({ ...verdict, notes: undefined })}`);
    }
    figures.push(figure('verifyExport of that file, offline', verifyRecords, offline, baselineRate, `${verdict.checkpointsVerified} checkpoints`));
    const both = {
      ...offline,
      seconds: exported.seconds + offline.seconds,
      peakRssMb: Math.max(exported.peakRssMb, offline.peakRssMb),
      heapGrowthMb: Math.max(exported.heapGrowthMb, offline.heapGrowthMb),
      liveHeapGrowthMb: Math.max(exported.liveHeapGrowthMb ?? 0, offline.liveHeapGrowthMb ?? 0),
    };
    figures.push(figure('export + offline verification', verifyRecords, both, baselineRate));
  } finally {
    client.close();
    await owner.end();
    await audit.service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // Service logs would bury the figures; errors still go to stderr (Kafka's leader moves after topics are created).
  process.env['LOG_LEVEL'] ??= 'error';
  Logger.overrideLogger(['fatal', 'error']);
  await globalSetup();
  let identity: RunningGrpcService | undefined;
  try {
    const identityDb = await provisionServiceDatabase(await createSuiteDatabase('bench_audit_identity'), 'identity');
    const identityPort = await freePort();
    identity = await startIdentityService(
      loadIdentityConfig(serviceEnvironment('identity', { port: identityPort, database: identityDb, topicPrefix: suiteTopicPrefix('bench-audit-identity') })),
    );
    const identityAddress = `127.0.0.1:${identityPort}`;

    const ingestFigures: Figure[] = [];
    await ingest(identityAddress, ingestFigures);
    printTable(`Audit ingest: ${ingestEvents.toLocaleString('en-US')} events through Kafka into the audit service (in process), ratios against single-row INSERT transactions`, ingestFigures);

    const verifyFigures: Figure[] = [];
    await verification(identityAddress, verifyFigures);
    printTable(`Audit verification: a chain of ${verifyRecords.toLocaleString('en-US')} records, ratios against recordHash in memory`, verifyFigures);
  } finally {
    await identity?.close();
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
