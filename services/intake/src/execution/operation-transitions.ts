import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, OutboxWriter, Topics } from '@tradewarden/messaging';
import type { commonV1 } from '@tradewarden/proto';
import { isFinal, nextStatus, statusToProto, type OperationStatus } from '../domain/operation-status';
import { OperationRow } from '../persistence/operation.entity';
import { OperationOutcomeMetrics } from './operation-outcome-metrics';

/** Moves an operation through its lifecycle, keeping the step's reason and writing an OperationStatusChanged event. */
@Injectable()
export class OperationTransitions {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly outcomes: OperationOutcomeMetrics,
  ) {}

  /** Loads the operation for update (so concurrent events serialize on it). */
  async lock(manager: EntityManager, operationId: string): Promise<OperationRow | null> {
    return manager.getRepository(OperationRow).createQueryBuilder('operation').setLock('pessimistic_write').where('operation.operation_id = :operationId', { operationId }).getOne();
  }

  async move(manager: EntityManager, operation: OperationRow, to: OperationStatus, reason: string, actor: commonV1.Actor | undefined): Promise<void> {
    const from = operation.status;
    operation.status = nextStatus(from, to);
    operation.statusReason = reason;
    await manager.update(OperationRow, { operationId: operation.operationId }, { status: operation.status, statusReason: reason });
    if (isFinal(operation.status)) this.outcomes.finishedIn(manager, { operationType: operation.operationType, status: operation.status });
    await this.outbox.add(
      manager,
      Topics.operationEvents,
      operation.operationId,
      buildEnvelope(
        { operationStatusChanged: { operationId: operation.operationId, fromStatus: statusToProto(from), toStatus: statusToProto(to), reason } },
        { actor, producer: 'intake', aggregateId: operation.operationId },
      ),
    );
  }
}
