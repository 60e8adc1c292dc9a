import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { PeriodicTask } from '@tradewarden/periodic-task';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { APPROVAL_SETTINGS, type ApprovalSettings } from '../approval-settings';
import { transition } from './approval-request';
import { ApprovalRequestRow } from './approval-request.entity';

const BATCH = 100;

/**
 * Expires pending requests nobody decided in time: EXPIRED, and an ApprovalExpired event that intake turns into the
 * operation's EXPIRED status and that notifies whoever follows the operation. Rows are taken with SKIP LOCKED, so
 * several approval instances share the work, and a decision holding a row is never overtaken (it refuses on its own
 * once the time has passed).
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySweeper.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    @Inject(APPROVAL_SETTINGS) settings: ApprovalSettings,
  ) {
    this.task = new PeriodicTask('expiry sweep', settings.expirySweepMs, () => this.sweep(), (message) => this.logger.error(message));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Expires what is due, a batch per transaction; returns how many requests expired. */
  async sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (manager) => {
        const due = await manager
          .getRepository(ApprovalRequestRow)
          .createQueryBuilder('request')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .where("request.state = 'PENDING' AND request.expires_at <= now()")
          .orderBy('request.expires_at', 'ASC')
          .take(BATCH)
          .getMany();
        for (const request of due) {
          const approvals = (await manager.query("SELECT count(*)::int AS given FROM approval_decisions WHERE operation_id = $1 AND decision = 'APPROVED'", [request.operationId])) as {
            given: number;
          }[];
          const reason = `nobody decided before ${request.expiresAt!.toISOString()} (${approvals[0]?.given ?? 0} of ${request.requiredApprovals} approvals)`;
          await manager.update(ApprovalRequestRow, { operationId: request.operationId }, { state: transition(request.state, 'EXPIRED'), decidedAt: new Date(), reason });
          await this.outbox.add(
            manager,
            Topics.approvalDecisions,
            request.operationId,
            buildEnvelope(
              {
                approvalExpired: {
                  operationId: request.operationId,
                  planDigest: request.planDigest,
                  policyName: request.policyName,
                  expiredAt: request.expiresAt!,
                  approvalsGiven: approvals[0]?.given ?? 0,
                  requiredApprovals: request.requiredApprovals,
                },
              },
              { actor: undefined, producer: 'approval', aggregateId: request.operationId },
            ),
          );
        }
        return due.length;
      });
      expired += count;
      if (count > 0) this.messaging.publishSoon();
      if (count < BATCH) return expired;
    }
  }
}
