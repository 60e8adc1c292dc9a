import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { bearerMetadata, createGrpcClient, serverStreamCall, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { auditV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, harnessServers, userToken } from '@tradewarden/test-harness';
import { createKafka, decodeEnvelope, topicName, Topics } from '@tradewarden/messaging';
import { auditContentOf, checkpointVerifies, GENESIS_HASH, recordHash } from '@tradewarden/audit-chain';
import { verifyExport } from '@tradewarden/audit-export';
import { eventsV1 } from '@tradewarden/proto';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { operationReaches } from './operation-steps';

/**
 * Tampering with the audit trail directly in PostgreSQL, as someone with the database's superuser would (the
 * append-only triggers switched off first): every edit, deletion, insertion, reordering and truncation is found by
 * VerifyChain, which names the first bad sequence number. Each tamper is undone before the next.
 */
describe('audit trail tampering end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let audit: GrpcClient<typeof auditV1.AuditServiceService>;
  let database: Client;
  let agent: string;
  let compliance: string;

  beforeAll(async () => {
    platform = await startInProcessPlatform('audit-tamper', { generatedAccounts: 10, auditEnv: { AUDIT_CHECKPOINT_EVERY_RECORDS: '5', AUDIT_CHECKPOINT_EVERY_SECONDS: '1' } });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    audit = createGrpcClient(auditV1.AuditServiceService, platform.addresses.audit, 'AuditService');
    agent = await userToken('agent');
    compliance = await userToken('compliance');
    database = new Client({ connectionString: platform.databaseAdminUrl });
    await database.connect();
    // Some history: three deposits, each a handful of records (submission, decisions, execution, results).
    for (const amount of ['1.00', '2.00', '3.00']) {
      const request = intakeV1.SubmitOperationRequest.fromPartial({
        clientRequestId: randomUUID(),
        operationType: 'balance.deposit',
        items: [{ serverId: platform.serverId, balanceDeposit: { login: '500001', amount: { amount, currency: 'USD' }, comment: 'audit' } }],
      });
      const { operation } = await unaryCall(intake, 'submitOperation', request, bearerMetadata(agent), 60_000);
      await operationReaches(intake, bearerMetadata(agent), operation!.operationId, operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);
    }
    // Every event of that history recorded, and nothing more arriving (a record written between taking the copy and
    // undoing a tamper would be lost by the undo).
    await eventually(async () => expect(await recordCount()).toBeGreaterThanOrEqual(20));
    let settled = -1;
    await eventually(async () => {
      const count = await recordCount();
      const stable = count === settled;
      settled = count;
      expect(stable).toBe(true);
    }, 60_000, 2_000);
    await database.query('ALTER TABLE audit.audit_records DISABLE TRIGGER USER');
  });

  afterAll(async () => {
    await database?.query('ALTER TABLE audit.audit_records ENABLE TRIGGER USER').catch(() => undefined);
    await database?.end();
    intake?.close();
    audit?.close();
    await platform?.stop();
  });

  async function recordCount(): Promise<number> {
    const { rows } = await database.query<{ count: number }>('SELECT count(*)::int AS count FROM audit.audit_records');
    return rows[0]!.count;
  }

  const verify = async () => unaryCall(audit, 'verifyChain', { fromSequence: '', toSequence: '' }, bearerMetadata(compliance));

  /** Runs a tamper, checks what VerifyChain says, and puts the table back as it was. */
  async function tampered(change: string, undo: string): Promise<auditV1.VerifyChainResponse> {
    await database.query(change);
    try {
      return await verify();
    } finally {
      await database.query(undo);
      expect(await verify()).toMatchObject({ valid: true });
    }
  }

  it('verifies the untouched chain', async () => {
    expect(await verify()).toMatchObject({ valid: true, firstBadSequence: '' });
  });

  it('finds records by actor, event type, result, server and time', async () => {
    const list = async (filters: Partial<auditV1.ListRecordsRequest>) =>
      (await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ pageSize: 1000, ...filters }), bearerMetadata(compliance))).records;
    const all = await list({});
    const submitted = await list({ actor: 'agent', eventType: 'OperationSubmitted' });
    expect(submitted).toHaveLength(3);
    expect(submitted.every((record) => record.actorUsername === 'agent' && record.eventType === 'OperationSubmitted')).toBe(true);
    const applied = await list({ eventType: 'ItemExecuted', result: 'APPLIED', serverId: platform.serverId });
    expect(applied).toHaveLength(3);
    expect(await list({ result: 'DRIFTED' })).toEqual([]);
    const middle = all[Math.floor(all.length / 2)]!.occurredAt!;
    const before = await list({ occurredTo: middle });
    const after = await list({ occurredFrom: middle });
    expect(before.length + after.length).toBe(all.length);
    expect(before.every((record) => record.occurredAt!.getTime() < middle.getTime())).toBe(true);
    const refused = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ result: 'applied; drop' }), bearerMetadata(compliance)).catch((error: unknown) => error);
    expect((refused as { code: number }).code).toBe(3);
  });

  it('finds every record that names an account', async () => {
    const list = async (filters: Partial<auditV1.ListRecordsRequest>) =>
      (await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ pageSize: 1000, ...filters }), bearerMetadata(compliance))).records;
    const account = await list({ account: '500001' });
    expect(account.every((record) => record.accounts.includes('500001'))).toBe(true);
    expect(account.filter((record) => record.eventType === 'OperationSubmitted')).toHaveLength(3);
    expect(account.filter((record) => record.eventType === 'ItemExecuted')).toHaveLength(3);
    expect(await list({ account: '500002' })).toEqual([]);
    expect(await list({ account: '500001', eventType: 'ItemExecuted', result: 'APPLIED' })).toHaveLength(3);
    const refused = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ account: "500001' OR 1=1" }), bearerMetadata(compliance)).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 3, details: expect.stringContaining('account') as unknown });
  });

  it('publishes every record on the compliance stream with all its hash covers: the chain verifies from the stream alone', async () => {
    const count = await recordCount();
    const kafka = createKafka(`compliance-reader-${randomUUID()}`, harnessServers().kafkaBrokers);
    const consumer = kafka.consumer({ groupId: `compliance-reader-${randomUUID()}` });
    const received = new Map<string, auditV1.AuditRecord>();
    const receivedAsJson = new Map<string, auditV1.AuditRecord>();
    const checkpointed: auditV1.AuditCheckpoint[] = [];
    const jsonTopic = topicName(platform.topicPrefix, Topics.complianceRecordsJson);
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topicName(platform.topicPrefix, Topics.complianceRecords), jsonTopic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          if (topic === jsonTopic) {
            // The JSON copy: the same envelope in the proto3 JSON mapping, readable without protobuf.
            expect(message.headers?.['content-type']?.toString()).toBe('application/json');
            const record = eventsV1.EventEnvelope.fromJSON(JSON.parse(message.value!.toString('utf8'))).auditRecorded?.record;
            if (record) receivedAsJson.set(record.sequence, record);
            return;
          }
          const envelope = decodeEnvelope(message.value!);
          const record = envelope.auditRecorded?.record;
          if (record) received.set(record.sequence, record);
          if (envelope.auditCheckpointed?.checkpoint) checkpointed.push(envelope.auditCheckpointed.checkpoint);
        },
      });
      await eventually(async () => {
        expect(received.size).toBeGreaterThanOrEqual(count);
        expect(receivedAsJson.size).toBeGreaterThanOrEqual(count);
        expect(checkpointed.map((checkpoint) => checkpoint.sequence)).toContain(String(count));
      }, 60_000);
      for (const [sequence, record] of received) expect(receivedAsJson.get(sequence)).toEqual(record);
    } finally {
      await consumer.disconnect();
    }
    // Recomputed by someone who trusts only the stream: each record hashes to its hash and links to the one before.
    let previousHash = GENESIS_HASH;
    for (let sequence = 1; sequence <= count; sequence += 1) {
      const record = received.get(String(sequence))!;
      const content = auditContentOf({ ...record, occurredAt: record.occurredAt!.toISOString(), details: JSON.parse(record.detailsJson) as unknown });
      expect(record.previousHash).toBe(previousHash);
      expect(recordHash(previousHash, content)).toBe(record.hash);
      previousHash = record.hash;
    }

    // Signed checkpoints, on the stream and through the API: each verifies with the public key alone and names the hash
    // the chain had at its sequence; the last one covers the whole chain.
    const { checkpoints, publicKeyPem } = await unaryCall(audit, 'listCheckpoints', { afterSequence: '', pageSize: 1000 }, bearerMetadata(compliance));
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(checkpointed.map((checkpoint) => checkpoint.sequence)).toEqual(checkpoints.map((checkpoint) => checkpoint.sequence).slice(0, checkpointed.length));
    for (const checkpoint of checkpoints) {
      expect(checkpointVerifies(checkpoint, publicKeyPem)).toBe(true);
      expect(checkpoint.headHash).toBe(received.get(checkpoint.sequence)!.hash);
      expect(checkpointVerifies({ ...checkpoint, headHash: GENESIS_HASH }, publicKeyPem)).toBe(false);
    }
    expect(checkpoints.at(-1)!.sequence).toBe(String(count));
  });

  it('exports the trail as JSON lines that verify offline with the public key alone, and as CSV, CEF and syslog', async () => {
    const count = await recordCount();
    const exported = async (request: Partial<auditV1.ExportRecordsRequest>) => {
      let text = '';
      for await (const chunk of serverStreamCall(audit, 'exportRecords', auditV1.ExportRecordsRequest.fromPartial(request), bearerMetadata(compliance))) text += chunk.text;
      return text.split(/\r?\n/).filter((line) => line !== '');
    };
    const { publicKeyPem } = await unaryCall(audit, 'listCheckpoints', { afterSequence: '', pageSize: 1 }, bearerMetadata(compliance));
    // Everything: a checkpoint is signed at the head first, so the key vouches for every record in the file.
    const everything = await verifyExport(await exported({}), publicKeyPem);
    expect(everything).toMatchObject({ valid: true, complete: true, records: count, firstSequence: '1', lastSequence: String(count), lastSignedSequence: String(count), unsignedTail: 0 });
    // One account's records: each verifies, consecutive ones link, and the verdict says completeness is not proven.
    const filtered = await verifyExport(await exported({ filter: auditV1.ListRecordsRequest.fromPartial({ account: '500001' }) }), publicKeyPem);
    expect(filtered).toMatchObject({ valid: true, complete: false });
    expect(filtered.records).toBeGreaterThanOrEqual(6);
    expect(filtered.records).toBeLessThan(count);
    // An edited line is caught offline, naming its sequence.
    const lines = await exported({ fromSequence: '3', toSequence: '9' });
    const edited = lines.map((line) => (line.includes('"sequence":"6"') && line.includes('"kind":"record"') ? line.replace(/"actorUsername":"[^"]*"/, '"actorUsername":"somebody-else"') : line));
    expect(await verifyExport(lines, publicKeyPem)).toMatchObject({ valid: true, records: 7 });
    expect(await verifyExport(edited, publicKeyPem)).toMatchObject({ valid: false, firstBadSequence: '6' });

    const csv = await exported({ format: auditV1.ExportFormat.EXPORT_FORMAT_CSV, toSequence: '5' });
    expect(csv[0]).toMatch(/^sequence,recorded_at,occurred_at,event_id,event_type/);
    expect(csv.slice(1).map((row) => row.split(',')[0])).toEqual(['1', '2', '3', '4', '5']);
    // A SIEM gets the checkpoints as events too, so it can keep them.
    const cef = await exported({ format: auditV1.ExportFormat.EXPORT_FORMAT_CEF, filter: auditV1.ListRecordsRequest.fromPartial({ eventType: 'ItemExecuted' }) });
    expect(cef.every((line) => line.startsWith('CEF:0|Tradewarden|Tradewarden Audit|'))).toBe(true);
    const executions = cef.filter((line) => line.includes('|ItemExecuted|'));
    expect(executions).toHaveLength(3);
    expect(executions.every((line) => line.includes('outcome=APPLIED') && line.includes('cs5Label=accounts cs5=500001'))).toBe(true);
    expect(cef.filter((line) => line.includes('|AuditCheckpoint|')).length).toBeGreaterThanOrEqual(1);
    const syslog = await exported({ format: auditV1.ExportFormat.EXPORT_FORMAT_SYSLOG_CEF, filter: auditV1.ListRecordsRequest.fromPartial({ eventType: 'ItemExecuted' }) });
    expect(syslog).toHaveLength(cef.length);
    expect(syslog.every((line) => /^<\d{1,3}>1 \d{4}-\d{2}-\d{2}T\S+ \S+ tradewarden-audit - \S+ - CEF:0\|/.test(line))).toBe(true);

    const refused = serverStreamCall(audit, 'exportRecords', auditV1.ExportRecordsRequest.fromPartial({ fromSequence: '9', toSequence: '3' }), bearerMetadata(compliance));
    await expect(refused.next()).rejects.toMatchObject({ code: 3 });
    const agentExport = serverStreamCall(audit, 'exportRecords', auditV1.ExportRecordsRequest.fromPartial({}), bearerMetadata(agent));
    await expect(agentExport.next()).rejects.toMatchObject({ code: 7 });
    // The refusal is itself recorded; waiting for it keeps the tamper tests' copies whole.
    await eventually(async () => expect(await recordCount()).toBe(count + 1));
    const [denial] = (await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ afterSequence: String(count) }), bearerMetadata(compliance))).records;
    expect(denial).toMatchObject({ eventType: 'AccessDenied', actorUsername: 'agent' });
  });

  it('names an edited record', async () => {
    const verdict = await tampered(
      `UPDATE audit.audit_records SET actor_username = 'somebody-else' WHERE sequence = 7`,
      `UPDATE audit.audit_records SET actor_username = (SELECT actor_username FROM audit.audit_records_copy WHERE sequence = 7) WHERE sequence = 7`,
    );
    expect(verdict).toMatchObject({ valid: false, firstBadSequence: '7' });
    expect(verdict.reason).toContain('altered');
  });

  it('names a deleted record', async () => {
    const verdict = await tampered('DELETE FROM audit.audit_records WHERE sequence = 5', 'INSERT INTO audit.audit_records SELECT * FROM audit.audit_records_copy WHERE sequence = 5');
    expect(verdict).toMatchObject({ valid: false, firstBadSequence: '5' });
  });

  it('names an inserted record', async () => {
    // A record slipped in after 4: everything from 5 moves one up, and the copy of 4 placed at 5 does not link.
    const verdict = await tampered(
      `UPDATE audit.audit_records SET sequence = sequence + 1000000 WHERE sequence >= 5;
       UPDATE audit.audit_records SET sequence = sequence - 999999 WHERE sequence >= 1000005;
       INSERT INTO audit.audit_records SELECT 5, recorded_at, occurred_at, 'forged-' || event_id, event_type, source_topic, actor_subject, actor_username, actor_roles,
         actor_client, operation_id, server_id, trace_id, details, previous_hash, hash FROM audit.audit_records_copy WHERE sequence = 4`,
      `DELETE FROM audit.audit_records; INSERT INTO audit.audit_records SELECT * FROM audit.audit_records_copy`,
    );
    expect(verdict).toMatchObject({ valid: false, firstBadSequence: '5' });
  });

  it('names reordered records', async () => {
    const verdict = await tampered(
      `UPDATE audit.audit_records SET sequence = -1 WHERE sequence = 8;
       UPDATE audit.audit_records SET sequence = 8 WHERE sequence = 9;
       UPDATE audit.audit_records SET sequence = 9 WHERE sequence = -1`,
      `DELETE FROM audit.audit_records; INSERT INTO audit.audit_records SELECT * FROM audit.audit_records_copy`,
    );
    expect(verdict).toMatchObject({ valid: false, firstBadSequence: '8' });
  });

  it('names the first missing record of a truncated chain', async () => {
    const count = await recordCount();
    const verdict = await tampered(`DELETE FROM audit.audit_records WHERE sequence > ${count - 3}`, `INSERT INTO audit.audit_records SELECT * FROM audit.audit_records_copy WHERE sequence > ${count - 3}`);
    expect(verdict).toMatchObject({ valid: false, firstBadSequence: String(count - 2) });
    expect(verdict.reason).toContain('missing');
  });

  beforeEach(async () => {
    // A copy to undo each tamper from, taken when the chain is whole and (new records may have arrived) verified.
    expect(await verify()).toMatchObject({ valid: true });
    await database.query('DROP TABLE IF EXISTS audit.audit_records_copy');
    await database.query('CREATE TABLE audit.audit_records_copy AS SELECT * FROM audit.audit_records');
  });
});
