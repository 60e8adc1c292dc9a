import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MessagingRuntime, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { canTransition } from '../domain/operation-status';
import { OperationTransitions } from './operation-transitions';
import { RolloutService } from './rollout.service';

/**
 * Applies approval decisions: a request for approvals makes the operation PENDING_APPROVAL. An approval counts only for the plan digest it names; an approved operation's items go
 * to the gateway as its roll-out allows (RolloutService), as ExecutionRequested commands keyed by server id.
 */
@Injectable()
export class ApprovalDecisionHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(ApprovalDecisionHandler.name);

  constructor(
    private readonly transitions: OperationTransitions,
    private readonly rollout: RolloutService,
    private readonly messaging: MessagingRuntime,
  ) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const decision = envelope.approvalRequested ?? envelope.approvalExpired ?? envelope.operationApproved ?? envelope.operationRejected;
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
    if (envelope.approvalRequested) {
      const { policyName, requiredApprovals } = envelope.approvalRequested;
      // Cancelled meanwhile (or a redelivery after the move): nothing left to record.
      if (canTransition(operation.status, 'PENDING_APPROVAL')) {
        const needed = requiredApprovals === 1 ? '1 approval' : `${requiredApprovals} approvals`;
        await this.transitions.move(manager, operation, 'PENDING_APPROVAL', `policy ${policyName} asks for ${needed}`, envelope.actor);
        this.messaging.publishSoon();
      }
      return;
    }
    if (envelope.approvalExpired) {
      const { approvalsGiven, requiredApprovals, expiredAt } = envelope.approvalExpired;
      const reason = `approval expired at ${expiredAt?.toISOString() ?? 'its time'} with ${approvalsGiven} of ${requiredApprovals} approvals`;
      if (canTransition(operation.status, 'EXPIRED')) await this.transitions.move(manager, operation, 'EXPIRED', reason, envelope.actor);
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
    await this.rollout.advance(manager, operation, envelope.actor);
    this.messaging.publishSoon();
  }
}
