import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import { canTransition } from '../domain/operation-status';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationTransitions } from './operation-transitions';

/**
 * Applies approval decisions. An approval counts only for the plan digest it names; an approved operation is handed
 * to the gateway as one ExecutionRequested per server (keyed by server id), built from the stored plan.
 */
@Injectable()
export class ApprovalDecisionHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(ApprovalDecisionHandler.name);

  constructor(
    private readonly transitions: OperationTransitions,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const decision = envelope.operationApproved ?? envelope.operationRejected;
    if (!decision) return;
    const operation = await this.transitions.lock(manager, decision.operationId);
    if (!operation) {
      this.logger.error(`decision for unknown operation ${decision.operationId}`);
      return;
    }
    if (decision.planDigest !== operation.planDigest) {
      this.logger.error(`decision for operation ${operation.operationId} names another plan digest; ignored`);
      return;
    }
    if (envelope.operationRejected) {
      if (canTransition(operation.status, 'REJECTED')) await this.transitions.move(manager, operation, 'REJECTED', envelope.operationRejected.reason, envelope.actor);
      return;
    }
    if (!canTransition(operation.status, 'APPROVED')) {
      this.logger.warn(`operation ${operation.operationId} is ${operation.status}; approval not applied`);
      return;
    }
    const approved = envelope.operationApproved!;
    await this.transitions.move(manager, operation, 'APPROVED', approved.autoApproved ? `auto-approved by policy ${approved.policyName}` : `approved under policy ${approved.policyName}`, envelope.actor);
    const items = await manager.getRepository(OperationItemRow).find({ where: { operationId: operation.operationId }, order: { rowNumber: 'ASC' } });
    const byServer = new Map<string, OperationItemRow[]>();
    for (const item of items) byServer.set(item.serverId, [...(byServer.get(item.serverId) ?? []), item]);
    for (const [serverId, serverItems] of byServer) {
      await this.outbox.add(
        manager,
        Topics.executionCommands,
        serverId,
        buildEnvelope(
          {
            executionRequested: {
              operationId: operation.operationId,
              serverId,
              planDigest: operation.planDigest,
              operationType: operation.operationType,
              submittedBy: operation.submittedBy,
              items: serverItems.map((item) => ({
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
          { actor: envelope.actor, producer: 'intake', aggregateId: serverId },
        ),
      );
    }
    await this.transitions.move(manager, operation, 'EXECUTING', `sent to the gateway for ${byServer.size} server(s)`, envelope.actor);
    this.messaging.publishSoon();
  }
}
