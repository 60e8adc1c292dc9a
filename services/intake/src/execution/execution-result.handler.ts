import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MessagingRuntime, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import type { ItemOutcome } from '../domain/operation-status';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationTransitions } from './operation-transitions';
import { readBackView } from './read-back-view';
import { RolloutService } from './rollout.service';

const outcomeOf: Partial<Record<operationV1.ItemStatus, ItemOutcome>> = {
  [operationV1.ItemStatus.ITEM_STATUS_APPLIED]: 'APPLIED',
  [operationV1.ItemStatus.ITEM_STATUS_FAILED]: 'FAILED',
  [operationV1.ItemStatus.ITEM_STATUS_DRIFTED]: 'DRIFTED',
  [operationV1.ItemStatus.ITEM_STATUS_REJECTED]: 'REJECTED',
  [operationV1.ItemStatus.ITEM_STATUS_SKIPPED]: 'SKIPPED',
};

/** Records each item's execution result; when the last item is in, the operation gets its final status. */
@Injectable()
export class ExecutionResultHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(ExecutionResultHandler.name);

  constructor(
    private readonly transitions: OperationTransitions,
    private readonly rollout: RolloutService,
    private readonly messaging: MessagingRuntime,
  ) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const result = envelope.itemExecuted;
    if (!result) return;
    const outcome = outcomeOf[result.status];
    if (!outcome) {
      this.logger.error(`item ${result.itemId}: result without a final status`);
      return;
    }
    const operation = await this.transitions.lock(manager, result.operationId);
    if (!operation) {
      this.logger.error(`result for unknown operation ${result.operationId}`);
      return;
    }
    const planned = outcome === 'APPLIED' ? await manager.getRepository(OperationItemRow).findOne({ where: { itemId: result.itemId }, select: { itemId: true, after: true } }) : null;
    await manager.update(
      OperationItemRow,
      { itemId: result.itemId, status: 'PENDING' },
      {
        status: outcome,
        mtReference: result.mtReference || null,
        errorCode: result.errorCode || null,
        errorMessage: result.errorMessage || null,
        ...(outcome === 'APPLIED' ? { after: readBackView(planned?.after ?? {}, result.after) } : {}),
      },
    );
    // The next stage of the roll-out, or the final state once nothing is left to send or running.
    await this.rollout.advance(manager, operation, envelope.actor);
    this.messaging.publishSoon();
  }
}
