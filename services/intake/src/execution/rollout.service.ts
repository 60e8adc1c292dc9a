import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, OutboxWriter, Topics } from '@tradewarden/messaging';
import { isPlatformTarget } from '@tradewarden/platform-change';
import { operationV1, type commonV1 } from '@tradewarden/proto';
import { extractTraceContext, linksToActiveSpan, withSpan } from '@tradewarden/telemetry';
import { canTransition, executionOutcome } from '../domain/operation-status';
import { originalStatusAfterRevert } from '../domain/revert';
import { nextRolloutStep, parseCanonicalRollout, scheduledFor, WAVE_SIZE, type RolloutOptions, type RolloutProgress } from '../domain/rollout';
import { itemStatusTotals } from '../persistence/item-status-totals';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { OperationTransitions } from './operation-transitions';

/**
 * Items per ExecutionRequested: keeps every Kafka message far below the default 1 MiB limit whatever the size of the
 * operation, even for large items (an account opening's plan is about 2 KB).
 */
const ITEMS_PER_COMMAND = 200;
const FAILED_STATES = ['FAILED', 'REJECTED', 'DRIFTED'];

/**
 * Sends an approved operation's items to the gateway as its roll-out options allow (everything at once, a canary stage
 * first, or waves that a failure can stop), and gives the operation its final state when nothing is left to send or
 * running. Called with the operation row locked: after the approval, and after each item's result.
 */
@Injectable()
export class RolloutService {
  private readonly logger = new Logger(RolloutService.name);

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly transitions: OperationTransitions,
  ) {}

  async advance(manager: EntityManager, operation: OperationRow, actor: commonV1.Actor | undefined): Promise<void> {
    if (operation.status !== 'APPROVED' && operation.status !== 'SCHEDULED' && operation.status !== 'EXECUTING') return;
    const options = parseCanonicalRollout(operation.executionOptions);
    if (operation.status !== 'EXECUTING') {
      const waitUntil = scheduledFor(options, new Date());
      if (waitUntil) {
        // The scheduler (OperationScheduler) advances it again once the time has come.
        if (operation.status === 'APPROVED') await this.transitions.move(manager, operation, 'SCHEDULED', `scheduled: runs at ${waitUntil.toISOString()}`, actor);
        return;
      }
    }
    const step = nextRolloutStep(options, await this.progress(manager, operation.operationId, options));
    switch (step.kind) {
      case 'wait':
        return;
      case 'dispatch':
        await this.dispatch(manager, operation, options, step.select);
        return;
      case 'halt': {
        const [, skipped] = (await manager.query(
          `UPDATE operation_items SET status = 'SKIPPED', error_code = 'HALTED', error_message = $2
            WHERE operation_id = $1 AND status = 'PENDING' AND dispatched_at IS NULL`,
          [operation.operationId, step.reason],
        )) as [unknown, number];
        this.logger.warn(`operation ${operation.operationId}: ${step.reason}; ${skipped} item(s) not sent`);
        await this.finish(manager, operation, actor, step.reason);
        return;
      }
      case 'finished':
        await this.finish(manager, operation, actor, '');
        return;
    }
  }

  /**
   * While items are running (the usual case when a result arrives) one index probe answers; the full counts are read
   * only when a stage is over, so a 100,000-item operation is not scanned once per result.
   */
  private async progress(manager: EntityManager, operationId: string, options: RolloutOptions): Promise<RolloutProgress> {
    const [running] = (await manager.query(
      `SELECT EXISTS (SELECT 1 FROM operation_items WHERE operation_id = $1 AND status = 'PENDING' AND dispatched_at IS NOT NULL) AS running`,
      [operationId],
    )) as { running: boolean }[];
    if (running?.running) return { inFlight: 1, undispatched: 0, canaryUndispatched: 0, failed: 0 };
    const [row] = (await manager.query(
      `SELECT count(*) FILTER (WHERE status = 'PENDING' AND dispatched_at IS NOT NULL) AS in_flight,
              count(*) FILTER (WHERE status = 'PENDING' AND dispatched_at IS NULL) AS undispatched,
              count(*) FILTER (WHERE status = 'PENDING' AND dispatched_at IS NULL AND (server_id = $2 OR row_number <= $3)) AS canary_undispatched,
              count(*) FILTER (WHERE status = ANY($4)) AS failed
         FROM operation_items WHERE operation_id = $1`,
      [operationId, options.canaryServerId, options.canaryItems, FAILED_STATES],
    )) as { in_flight: string; undispatched: string; canary_undispatched: string; failed: string }[];
    return { inFlight: Number(row!.in_flight), undispatched: Number(row!.undispatched), canaryUndispatched: Number(row!.canary_undispatched), failed: Number(row!.failed) };
  }

  /**
   * Sends the selected items in the operation's own trace (the one its submission began), linked to what caused this
   * step (an approver's call, a result, the scheduler), so that one operation is one trace from intake to the MT call.
   */
  private async dispatch(manager: EntityManager, operation: OperationRow, options: RolloutOptions, select: 'canary' | 'wave' | 'all'): Promise<void> {
    const operationTrace = operation.traceparent ? extractTraceContext({ traceparent: operation.traceparent }) : undefined;
    await withSpan(`dispatch ${select}`, () => this.sendItems(manager, operation, options, select), operationTrace, {
      links: linksToActiveSpan(),
      attributes: { 'tradewarden.operation.id': operation.operationId, 'tradewarden.operation.type': operation.operationType },
    });
  }

  /** Sends the selected items, page by page in row order, as ExecutionRequested commands keyed by server. */
  private async sendItems(manager: EntityManager, operation: OperationRow, options: RolloutOptions, select: 'canary' | 'wave' | 'all'): Promise<void> {
    const limit = select === 'wave' ? WAVE_SIZE : Number.MAX_SAFE_INTEGER;
    let sent = 0;
    let afterRow = 0;
    while (sent < limit) {
      const rows = await manager
        .getRepository(OperationItemRow)
        .createQueryBuilder('item')
        .where('item.operation_id = :operationId', { operationId: operation.operationId })
        .andWhere("item.status = 'PENDING' AND item.dispatched_at IS NULL AND item.row_number > :afterRow", { afterRow })
        .andWhere(select === 'canary' ? '(item.server_id = :canaryServer OR item.row_number <= :canaryItems)' : 'TRUE', {
          canaryServer: options.canaryServerId,
          canaryItems: options.canaryItems,
        })
        .orderBy('item.row_number', 'ASC')
        .take(Math.min(ITEMS_PER_COMMAND, limit - sent))
        .getMany();
      if (rows.length === 0) break;
      afterRow = rows.at(-1)!.rowNumber;
      sent += rows.length;
      const byServer = new Map<string, OperationItemRow[]>();
      for (const row of rows) byServer.set(row.serverId, [...(byServer.get(row.serverId) ?? []), row]);
      for (const [serverId, items] of byServer) {
        await this.outbox.add(
          manager,
          // Changes of Tradewarden's own configuration go to the service that applies them, not to the gateway.
          isPlatformTarget(serverId) ? Topics.platformChangeCommands : Topics.executionCommands,
          serverId,
          buildEnvelope(
            {
              executionRequested: {
                operationId: operation.operationId,
                serverId,
                planDigest: operation.planDigest,
                operationType: operation.operationType,
                submittedBy: operation.submittedBy,
                items: items.map((item) => ({
                  itemId: item.itemId,
                  rowNumber: item.rowNumber,
                  spec: operationV1.OperationItemSpec.fromJSON(item.spec),
                  change: operationV1.MtChange.fromJSON(item.change),
                  revert: item.revert ? operationV1.MtChange.fromJSON(item.revert) : undefined,
                  warnings: item.warnings,
                  before: item.before,
                  after: item.after,
                })),
              },
            },
            { actor: undefined, producer: 'intake', aggregateId: serverId },
          ),
        );
      }
      await manager.query('UPDATE operation_items SET dispatched_at = now() WHERE item_id = ANY($1)', [rows.map((row) => row.itemId)]);
    }
    if (operation.status === 'APPROVED' || operation.status === 'SCHEDULED') await this.transitions.move(manager, operation, 'EXECUTING', `sending ${select === 'all' ? 'all items' : `the ${select}`} to the gateway`, undefined);
  }

  private async finish(manager: EntityManager, operation: OperationRow, actor: commonV1.Actor | undefined, reason: string): Promise<void> {
    const counts = (await itemStatusTotals(manager, [operation.operationId])).get(operation.operationId) ?? [];
    // executionOutcome needs each state present once, not every item.
    const statuses = counts.map((row) => row.status);
    const applied = counts.find((row) => row.status === 'APPLIED')?.count ?? 0;
    const total = counts.reduce((sum, row) => sum + row.count, 0);
    const final = executionOutcome(statuses);
    if (!final) return;
    if (operation.status === 'APPROVED' || operation.status === 'SCHEDULED') await this.transitions.move(manager, operation, 'EXECUTING', 'nothing to send', undefined);
    if (operation.status !== 'EXECUTING') return;
    await this.transitions.move(manager, operation, final, `${applied} of ${total} item(s) applied${reason ? `; ${reason}` : ''}`, actor);
    if (operation.revertsOperationId && originalStatusAfterRevert(final) === 'REVERTED') {
      const original = await this.transitions.lock(manager, operation.revertsOperationId);
      if (original && canTransition(original.status, 'REVERTED')) await this.transitions.move(manager, original, 'REVERTED', `reverted by operation ${operation.operationId}`, actor);
    }
  }
}
