import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, Topics, OutboxWriter, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import { planDigest } from '@tradewarden/plan-digest';
import { choosePolicy } from '../policy/approval-policy';
import { ApprovalPolicyRow } from '../policy/approval-policy.entity';
import { transition, type ApprovalState } from './approval-request';
import { ApprovalRequestRow } from './approval-request.entity';

/**
 * Opens an approval request for each submitted operation under the policy in force, and approves it at once when
 * that policy is automatic. A plan whose digest does not match its content is rejected, never approved.
 */
@Injectable()
export class OperationSubmittedHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(OperationSubmittedHandler.name);

  constructor(private readonly outbox: OutboxWriter) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const submitted = envelope.operationSubmitted;
    if (!submitted?.plan) return;
    const plan = submitted.plan;
    const policies = await manager.getRepository(ApprovalPolicyRow).find();
    const policy = choosePolicy(
      policies.map((row) => ({ ...row, maxTotalPerCurrency: row.maxTotalPerCurrency })),
      plan,
    );
    const digestMatches = planDigest(plan) === plan.digest;
    let state: ApprovalState = 'PENDING';
    if (!digestMatches) state = transition(state, 'REJECTED');
    else if (policy.mode === 'AUTO') state = transition(state, 'APPROVED');
    await manager.insert(ApprovalRequestRow, {
      operationId: submitted.operationId,
      operationType: plan.operationType,
      planDigest: plan.digest,
      plan: operationV1.OperationPlan.toJSON(plan) as object,
      policyName: policy.name,
      requiredApprovals: policy.requiredApprovals,
      state,
      autoApproved: state === 'APPROVED',
      submittedBy: envelope.actor?.subject ?? '',
      decidedAt: state === 'PENDING' ? null : new Date(),
    });
    const meta = { actor: envelope.actor, producer: 'approval', aggregateId: submitted.operationId };
    if (state === 'APPROVED') {
      await this.outbox.add(
        manager,
        Topics.approvalDecisions,
        submitted.operationId,
        buildEnvelope({ operationApproved: { operationId: submitted.operationId, planDigest: plan.digest, policyName: policy.name, autoApproved: true, approvers: [] } }, meta),
      );
    } else if (state === 'REJECTED') {
      this.logger.error(`operation ${submitted.operationId}: plan digest does not match its content; rejected`);
      await this.outbox.add(
        manager,
        Topics.approvalDecisions,
        submitted.operationId,
        buildEnvelope({ operationRejected: { operationId: submitted.operationId, planDigest: plan.digest, policyName: policy.name, reason: 'plan digest does not match the plan' } }, meta),
      );
    }
  }
}
