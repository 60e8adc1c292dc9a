import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter } from '@tradewarden/messaging';
import { PeriodicTask } from '@tradewarden/periodic-task';
import { checkpointDue, signCheckpoint, type CheckpointKey } from '@tradewarden/audit-chain';
import { publishOnComplianceStream } from '../recording/compliance-stream';
import { AuditCheckpointRow } from './checkpoint.entity';

export const CHECKPOINT_SETTINGS = Symbol('CHECKPOINT_SETTINGS');

export interface CheckpointSettings {
  key: CheckpointKey;
  everyRecords: number;
  everySeconds: number;
}

const CHECK_MS = 1000;

/**
 * Signs a checkpoint of the chain's head every N records, or once records have waited T seconds, stores it (append-only)
 * and publishes it on the compliance stream in the same transaction. One instance signs at a time (advisory lock).
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Checkpointer.name);
  private readonly task = new PeriodicTask('audit checkpoint', CHECK_MS, () => this.checkpointIfDue(), (message) => this.logger.error(message));

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    @Inject(CHECKPOINT_SETTINGS) private readonly settings: CheckpointSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /**
   * Signs one checkpoint if one is due (with `atHead`, whenever records came after the last one); returns its sequence,
   * or undefined.
   */
  async checkpointIfDue(now = new Date(), atHead = false): Promise<string | undefined> {
    const sequence = await this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query("SELECT pg_try_advisory_xact_lock(hashtext('tradewarden:audit:checkpoint')) AS acquired")) as { acquired: boolean }[];
      if (!lock?.acquired) return undefined;
      const [head] = (await manager.query('SELECT sequence, hash FROM audit_chain_head WHERE id = 1')) as { sequence: string; hash: string }[];
      if (!head) return undefined;
      const last = await manager.getRepository(AuditCheckpointRow).findOne({ where: {}, order: { sequence: 'DESC' } });
      const lastState = last ? { sequence: BigInt(last.sequence), signedAt: new Date(last.signedAt) } : undefined;
      const every = atHead ? { records: 1, seconds: 0 } : { records: this.settings.everyRecords, seconds: this.settings.everySeconds };
      if (!checkpointDue(BigInt(head.sequence), lastState, now, every)) return undefined;
      const signed = signCheckpoint({ sequence: head.sequence, headHash: head.hash, signedAt: now.toISOString() }, this.settings.key);
      await manager.insert(AuditCheckpointRow, signed);
      await publishOnComplianceStream(this.outbox, manager, 'checkpoints', buildEnvelope({ auditCheckpointed: { checkpoint: signed } }, { actor: undefined, producer: 'audit', aggregateId: signed.sequence }));
      return signed.sequence;
    });
    if (sequence) this.messaging.publishSoon();
    return sequence;
  }
}
