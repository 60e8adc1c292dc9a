import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { GENESIS_HASH, verifyChain } from '@tradewarden/audit-chain';
import { auditExportFormatOf, exportChunks } from '@tradewarden/audit-export';
import { DATA_SOURCE } from '@tradewarden/database';
import { auditV1 } from '@tradewarden/proto';
import { AuditError } from '../audit-errors';
import { AuditCheckpointRow } from '../chain/checkpoint.entity';
import { Checkpointer, CHECKPOINT_SETTINGS, type CheckpointSettings } from '../chain/checkpointer.service';
import { AuditRecordRow } from '../recording/audit-record.entity';
import { auditRecordViewOfRow, chainedRecordOf } from '../recording/audit-record-view';
import { applyRecordFilter, describeFilter, parseSequence, recordFilterOf, selectsEverything, type RecordFilter } from './record-filter';

const VERIFY_PAGE = 5000;
const EXPORT_PAGE = 1000;

/** Where an export's chunks go; write resolves when the receiver can take more (back-pressure). */
export interface ExportSink {
  write(chunk: auditV1.ExportRecordsResponse): Promise<void>;
  readonly cancelled: boolean;
}

function pageSizeOf(requested: number): number {
  const pageSize = requested === 0 ? 100 : requested;
  if (pageSize < 1 || pageSize > 1000) throw new AuditError('INVALID_ARGUMENT', 'page_size must be 1-1000');
  return pageSize;
}

/** Reads the trail for its gRPC API: filtered pages, checkpoints, verification of the chain, and exports. */
@Injectable()
export class AuditTrailService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CHECKPOINT_SETTINGS) private readonly checkpoints: CheckpointSettings,
    private readonly checkpointer: Checkpointer,
  ) {}

  async listRecords(request: auditV1.ListRecordsRequest): Promise<auditV1.ListRecordsResponse> {
    const pageSize = pageSizeOf(request.pageSize);
    const after = parseSequence(request.afterSequence, 'after_sequence') ?? 0n;
    const query = this.dataSource
      .getRepository(AuditRecordRow)
      .createQueryBuilder('record')
      .where('record.sequence > :after', { after: after.toString() })
      .orderBy('record.sequence', 'ASC')
      .limit(pageSize + 1);
    const rows = await applyRecordFilter(query, recordFilterOf(request)).getMany();
    const page = rows.slice(0, pageSize);
    return { records: page.map(auditRecordViewOfRow), nextAfterSequence: rows.length > pageSize ? page.at(-1)!.sequence : '' };
  }

  async listCheckpoints(request: auditV1.ListCheckpointsRequest): Promise<auditV1.ListCheckpointsResponse> {
    const pageSize = pageSizeOf(request.pageSize);
    const after = parseSequence(request.afterSequence, 'after_sequence') ?? 0n;
    const rows = await this.checkpointsBetween(after, undefined, pageSize + 1);
    const page = rows.slice(0, pageSize);
    return { checkpoints: page, nextAfterSequence: rows.length > pageSize ? page.at(-1)!.sequence : '', publicKeyPem: this.checkpoints.key.publicKeyPem };
  }

  async verifyChain(request: auditV1.VerifyChainRequest): Promise<auditV1.VerifyChainResponse> {
    const from = parseSequence(request.fromSequence, 'from_sequence') ?? 1n;
    const to = parseSequence(request.toSequence, 'to_sequence');
    if (from < 1n) throw new AuditError('INVALID_ARGUMENT', 'from_sequence starts at 1');
    if (to !== undefined && to < from) throw new AuditError('INVALID_ARGUMENT', 'to_sequence must not be below from_sequence');
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
      if (to !== undefined) query.andWhere('record.sequence <= :to', { to: to.toString() });
      const rows = await query.getMany();
      if (rows.length === 0) break;
      const verdict = verifyChain(rows.map(chainedRecordOf), { sequence: expected, previousHash });
      checked += verdict.checked;
      if (!verdict.valid) return { valid: false, recordsChecked: String(checked), firstBadSequence: verdict.firstBadSequence, reason: verdict.reason };
      previousHash = rows.at(-1)!.hash;
      expected += BigInt(rows.length);
    }
    // A truncated chain: the head remembers more records than the table holds (or than the range asked for holds).
    const head = await this.headSequence();
    const last = to !== undefined && to < head ? to : head;
    if (last >= expected) {
      return { valid: false, recordsChecked: String(checked), firstBadSequence: expected.toString(), reason: `chain head is at ${head}: records from ${expected} are missing` };
    }
    return { valid: true, recordsChecked: String(checked), firstBadSequence: '', reason: '' };
  }

  /**
   * Streams the selected records in chain order as text, in whole lines. The range is fixed when the export starts (up
   * to the head then), so a long export is a consistent snapshot of an append-only table even while records are added.
   * An export of everything up to the head first signs a checkpoint there, so that the key vouches for every record in it.
   */
  async exportRecords(request: auditV1.ExportRecordsRequest, sink: ExportSink): Promise<void> {
    // JSON lines unless asked otherwise: the one format that can be verified offline.
    const format = request.format === auditV1.ExportFormat.EXPORT_FORMAT_UNSPECIFIED ? 'jsonl' : auditExportFormatOf(request.format);
    if (!format) throw new AuditError('INVALID_ARGUMENT', `format ${String(request.format)} is not an export format`);
    const filter = recordFilterOf(auditV1.ListRecordsRequest.fromPartial(request.filter ?? {}));
    const from = parseSequence(request.fromSequence, 'from_sequence') ?? 1n;
    if (from < 1n) throw new AuditError('INVALID_ARGUMENT', 'from_sequence starts at 1');
    const requestedTo = parseSequence(request.toSequence, 'to_sequence');
    if (requestedTo !== undefined && requestedTo < from) throw new AuditError('INVALID_ARGUMENT', 'to_sequence must not be below from_sequence');
    const complete = selectsEverything(filter);
    if (complete && requestedTo === undefined && format === 'jsonl') await this.checkpointer.checkpointIfDue(new Date(), true);
    const head = await this.headSequence();
    const to = requestedTo ?? head;
    const header = { exportedAt: new Date(), complete, fromSequence: from.toString(), toSequence: to.toString(), filters: describeFilter(filter), keyId: this.checkpoints.key.keyId };
    const chunks = exportChunks(format, { header, records: this.recordsBetween(from, to, filter), checkpoints: this.checkpointsOf(from, to) });
    for await (const chunk of chunks) {
      if (sink.cancelled) return;
      await sink.write(chunk);
    }
  }

  private async *recordsBetween(from: bigint, to: bigint, filter: RecordFilter): AsyncGenerator<auditV1.AuditRecord> {
    let after = from - 1n;
    while (after < to) {
      const query = this.dataSource
        .getRepository(AuditRecordRow)
        .createQueryBuilder('record')
        .where('record.sequence > :after AND record.sequence <= :to', { after: after.toString(), to: to.toString() })
        .orderBy('record.sequence', 'ASC')
        .limit(EXPORT_PAGE);
      const rows = await applyRecordFilter(query, filter).getMany();
      for (const row of rows) yield auditRecordViewOfRow(row);
      if (rows.length < EXPORT_PAGE) return;
      after = BigInt(rows.at(-1)!.sequence);
    }
  }

  private async *checkpointsOf(from: bigint, to: bigint): AsyncGenerator<auditV1.AuditCheckpoint> {
    let after = from - 1n;
    for (;;) {
      const page = await this.checkpointsBetween(after, to, EXPORT_PAGE);
      yield* page;
      if (page.length < EXPORT_PAGE) return;
      after = BigInt(page.at(-1)!.sequence);
    }
  }

  private async headSequence(): Promise<bigint> {
    const [head] = (await this.dataSource.query('SELECT sequence FROM audit_chain_head WHERE id = 1')) as { sequence: string }[];
    return BigInt(head?.sequence ?? '0');
  }

  private async checkpointsBetween(after: bigint, upTo: bigint | undefined, limit: number): Promise<auditV1.AuditCheckpoint[]> {
    const query = this.dataSource
      .getRepository(AuditCheckpointRow)
      .createQueryBuilder('checkpoint')
      .where('checkpoint.sequence > :after', { after: after.toString() })
      .orderBy('checkpoint.sequence', 'ASC')
      .limit(limit);
    if (upTo !== undefined) query.andWhere('checkpoint.sequence <= :upTo', { upTo: upTo.toString() });
    const rows = await query.getMany();
    return rows.map((row) => ({ sequence: row.sequence, headHash: row.headHash, signedAt: row.signedAt, keyId: row.keyId, signature: row.signature }));
  }
}
