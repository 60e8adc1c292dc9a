import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { callerOf } from '@tradewarden/grpc';
import { auditV1 } from '@tradewarden/proto';
import { AuditError } from '../audit-errors';
import { GENESIS_HASH, verifyChain, type ChainedRecord } from '@tradewarden/audit-chain';
import { AuditCheckpointRow } from '../chain/checkpoint.entity';
import { CHECKPOINT_SETTINGS, type CheckpointSettings } from '../chain/checkpointer.service';
import { AuditRecordRow } from '../recording/audit-record.entity';
import { auditRecordView } from '../recording/audit-record-view';

const AUDIT_TRAIL = 'audit.trail';
const VERIFY_PAGE = 5000;

function toChained(row: AuditRecordRow): ChainedRecord {
  return {
    sequence: row.sequence,
    occurredAt: row.occurredAt,
    eventId: row.eventId,
    eventType: row.eventType,
    sourceTopic: row.sourceTopic,
    actorSubject: row.actorSubject,
    actorUsername: row.actorUsername,
    actorRoles: row.actorRoles,
    actorClient: row.actorClient,
    operationId: row.operationId,
    serverId: row.serverId,
    traceId: row.traceId,
    details: row.details,
    previousHash: row.previousHash,
    hash: row.hash,
  };
}

@Controller()
@auditV1.AuditServiceControllerMethods()
export class AuditController implements auditV1.AuditServiceController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    @Inject(CHECKPOINT_SETTINGS) private readonly checkpoints: CheckpointSettings,
  ) {}

  async listRecords(received: auditV1.ListRecordsRequest, metadata?: Metadata): Promise<auditV1.ListRecordsResponse> {
    // proto-loader gives absent messages as null; ts-proto's helpers normalize them.
    const request = auditV1.ListRecordsRequest.fromPartial(received);
    await this.authorization.require(callerOf(metadata).actor, { action: 'view', operationType: AUDIT_TRAIL });
    const pageSize = request.pageSize === 0 ? 100 : request.pageSize;
    if (pageSize < 1 || pageSize > 1000) throw new AuditError('INVALID_ARGUMENT', 'page_size must be 1-1000');
    if (request.afterSequence && !/^\d{1,19}$/.test(request.afterSequence)) throw new AuditError('INVALID_ARGUMENT', 'after_sequence must be a sequence number');
    const query = this.dataSource
      .getRepository(AuditRecordRow)
      .createQueryBuilder('record')
      .where('record.sequence > :after', { after: request.afterSequence || '0' })
      .orderBy('record.sequence', 'ASC')
      .limit(pageSize + 1);
    if (request.operationId) query.andWhere('record.operation_id = :operationId', { operationId: request.operationId });
    if (request.actor) query.andWhere('(record.actor_username = :actor OR record.actor_subject = :actor)', { actor: request.actor });
    if (request.serverId) query.andWhere('record.server_id = :serverId', { serverId: request.serverId });
    if (request.eventType) query.andWhere('record.event_type = :eventType', { eventType: request.eventType });
    if (request.result) {
      if (!/^[A-Z_]{1,40}$/.test(request.result)) throw new AuditError('INVALID_ARGUMENT', 'result must be an item status, e.g. APPLIED');
      query.andWhere("record.details->>'status' = :status", { status: `ITEM_STATUS_${request.result.replace(/^ITEM_STATUS_/, '')}` });
    }
    // occurred_at holds ISO 8601 text in one format, so text order is time order.
    if (request.occurredFrom) query.andWhere('record.occurred_at >= :from', { from: new Date(request.occurredFrom).toISOString() });
    if (request.occurredTo) query.andWhere('record.occurred_at < :to', { to: new Date(request.occurredTo).toISOString() });
    const rows = await query.getMany();
    const page = rows.slice(0, pageSize);
    return {
      records: page.map((row) => auditRecordView(toChained(row), row.recordedAt, row.previousHash, row.hash)),
      nextAfterSequence: rows.length > pageSize ? page.at(-1)!.sequence : '',
    };
  }

  async listCheckpoints(request: auditV1.ListCheckpointsRequest, metadata?: Metadata): Promise<auditV1.ListCheckpointsResponse> {
    await this.authorization.require(callerOf(metadata).actor, { action: 'view', operationType: AUDIT_TRAIL });
    const pageSize = request.pageSize === 0 ? 100 : request.pageSize;
    if (pageSize < 1 || pageSize > 1000) throw new AuditError('INVALID_ARGUMENT', 'page_size must be 1-1000');
    if (request.afterSequence && !/^\d{1,19}$/.test(request.afterSequence)) throw new AuditError('INVALID_ARGUMENT', 'after_sequence must be a sequence number');
    const rows = await this.dataSource
      .getRepository(AuditCheckpointRow)
      .createQueryBuilder('checkpoint')
      .where('checkpoint.sequence > :after', { after: request.afterSequence || '0' })
      .orderBy('checkpoint.sequence', 'ASC')
      .limit(pageSize + 1)
      .getMany();
    const page = rows.slice(0, pageSize);
    return {
      checkpoints: page.map((row) => ({ sequence: row.sequence, headHash: row.headHash, signedAt: row.signedAt, keyId: row.keyId, signature: row.signature })),
      nextAfterSequence: rows.length > pageSize ? page.at(-1)!.sequence : '',
      publicKeyPem: this.checkpoints.key.publicKeyPem,
    };
  }

  async verifyChain(request: auditV1.VerifyChainRequest, metadata?: Metadata): Promise<auditV1.VerifyChainResponse> {
    await this.authorization.require(callerOf(metadata).actor, { action: 'view', operationType: AUDIT_TRAIL });
    const from = BigInt(request.fromSequence || '1');
    if (from < 1n) throw new AuditError('INVALID_ARGUMENT', 'from_sequence starts at 1');
    const repository = this.dataSource.getRepository(AuditRecordRow);
    let previousHash = GENESIS_HASH;
    if (from > 1n) {
      const before = await repository.findOneBy({ sequence: (from - 1n).toString() });
      if (!before) return { valid: false, recordsChecked: '0', firstBadSequence: (from - 1n).toString(), reason: 'the record before from_sequence is missing' };
      previousHash = before.hash;
    }
    let expected = from;
    let checked = 0;
    for (;;) {
      const query = repository.createQueryBuilder('record').where('record.sequence >= :from', { from: expected.toString() }).orderBy('record.sequence', 'ASC').limit(VERIFY_PAGE);
      if (request.toSequence) query.andWhere('record.sequence <= :to', { to: request.toSequence });
      const rows = await query.getMany();
      if (rows.length === 0) break;
      const verdict = verifyChain(rows.map(toChained), { sequence: expected, previousHash });
      checked += verdict.checked;
      if (!verdict.valid) return { valid: false, recordsChecked: String(checked), firstBadSequence: verdict.firstBadSequence, reason: verdict.reason };
      previousHash = rows.at(-1)!.hash;
      expected += BigInt(rows.length);
    }
    // A truncated chain: the head remembers more records than the table holds.
    const [head] = (await this.dataSource.query('SELECT sequence FROM audit_chain_head WHERE id = 1')) as { sequence: string }[];
    if (!request.toSequence && head && BigInt(head.sequence) >= expected) {
      return { valid: false, recordsChecked: String(checked), firstBadSequence: expected.toString(), reason: `chain head is at ${head.sequence}: records from ${expected} are missing` };
    }
    return { valid: true, recordsChecked: String(checked), firstBadSequence: '', reason: '' };
  }
}
