import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { PeriodicTask } from '@tradewarden/periodic-task';
import { MessagingRuntime } from '@tradewarden/messaging';
import { OperationRow } from '../persistence/operation.entity';
import { RolloutService } from './rollout.service';

const SWEEP_MS = 1000;
const BATCH = 50;

/**
 * Starts scheduled operations whose time has come: each is locked (SKIP LOCKED, so several intake instances share the
 * work and a cancellation holding the row wins or waits) and handed to the roll-out, which moves it to EXECUTING.
 */
@Injectable()
export class OperationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OperationScheduler.name);
  private readonly task = new PeriodicTask('scheduled start', SWEEP_MS, () => this.startDue(), (message) => this.logger.error(message));

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly rollout: RolloutService,
    private readonly messaging: MessagingRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Starts what is due, a batch per transaction; returns how many operations started. */
  async startDue(): Promise<number> {
    const started = await this.dataSource.transaction(async (manager) => {
      const due = await manager
        .getRepository(OperationRow)
        .createQueryBuilder('operation')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where("operation.status = 'SCHEDULED' AND operation.not_before <= now()")
        .orderBy('operation.not_before', 'ASC')
        .take(BATCH)
        .getMany();
      for (const operation of due) await this.rollout.advance(manager, operation, undefined);
      return due.length;
    });
    if (started > 0) this.messaging.publishSoon();
    return started;
  }
}
