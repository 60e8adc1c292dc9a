import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsumedEvent, ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import { transition } from './approval-request';
import { ApprovalRequestRow } from './approval-request.entity';
import { OperationSubmittedHandler } from './operation-submitted.handler';

/**
 * Closes the approval request of an operation its submitter (or someone allowed) cancelled in intake, so that a later
 * Approve is refused (NOT_PENDING) instead of approving something that will never run. A request already decided stays
 * as it was. The row lock is the one Approve and Reject take, so a cancellation and a decision apply one after the other.
 */
@Injectable()
export class OperationCancelledHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(OperationCancelledHandler.name);

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const change = envelope.operationStatusChanged;
    if (change?.toStatus !== operationV1.OperationStatus.OPERATION_STATUS_CANCELLED) return;
    const request = await manager.getRepository(ApprovalRequestRow).findOne({ where: { operationId: change.operationId }, lock: { mode: 'pessimistic_write' } });
    if (!request) {
      this.logger.warn(`operation ${change.operationId} was cancelled before it reached approval; nothing to close`);
      return;
    }
    if (request.state !== 'PENDING') return;
    await manager.update(ApprovalRequestRow, { operationId: change.operationId }, { state: transition(request.state, 'CANCELLED'), decidedAt: new Date() });
  }
}

/**
 * Everything approval does with operation events, in one consumer group. A cancellation is keyed like the submission
 * it cancels (by operation id), so within one group it is always applied after the approval request was opened; two
 * groups would each keep their own order and could close a request before it exists. The group keeps the name it had
 * ("submissions"): a new name would start from the beginning of the topic and open every request again.
 */
@Injectable()
export class OperationEventsHandler implements ConsumedEventHandler {
  constructor(
    private readonly submitted: OperationSubmittedHandler,
    private readonly cancelled: OperationCancelledHandler,
  ) {}

  async handle(event: ConsumedEvent, manager: EntityManager): Promise<void> {
    await this.submitted.handle(event, manager);
    await this.cancelled.handle(event, manager);
  }
}
