import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, Topics, OutboxWriter, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1, type eventsV1 } from '@tradewarden/proto';
import { DecimalAmount } from '@tradewarden/money';
import { PlanDigestBuilder, planDigest } from '@tradewarden/plan-digest';
import { choosePolicy, totalsPerCurrency } from '../policy/approval-policy';
import { ApprovalPolicyRow } from '../policy/approval-policy.entity';
import { transition, type ApprovalState } from './approval-request';
import { ApprovalRequestRow } from './approval-request.entity';
import { PlanPageRow } from './plan-page.entity';

/**
 * Opens an approval request for each submitted operation under the policy in force, and approves it at once when
 * that policy is automatic. A plan whose digest does not match its content is rejected, never approved.
 */
@Injectable()
export class OperationSubmittedHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(OperationSubmittedHandler.name);

  constructor(private readonly outbox: OutboxWriter) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const page = envelope.operationPlanPage;
    if (page) {
      await manager.query('INSERT INTO approval_plan_pages (operation_id, page_number, items) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        page.operationId,
        page.pageNumber,
        JSON.stringify(page.items.map((item) => operationV1.ItemPlan.toJSON(item))),
      ]);
      return;
    }
    const submitted = envelope.operationSubmitted;
    if (!submitted?.plan) return;
    const plan = submitted.plan;
    const policies = await manager.getRepository(ApprovalPolicyRow).find();
    const { digest, totals, items } = submitted.pageCount > 0 ? await this.pagedPlan(manager, submitted) : { digest: planDigest(plan), totals: totalsPerCurrency(plan), items: plan.items.length };
    const policy = choosePolicy(
      policies.map((row) => ({ ...row, maxTotalPerCurrency: row.maxTotalPerCurrency })),
      plan,
      totals,
      submitted.approvalPolicy,
    );
    const digestMatches = digest === plan.digest && items === submitted.itemCount;
    let state: ApprovalState = 'PENDING';
    if (!digestMatches) state = transition(state, 'REJECTED');
    else if (policy.mode === 'AUTO') state = transition(state, 'APPROVED');
    await manager.insert(ApprovalRequestRow, {
      operationId: submitted.operationId,
      operationType: plan.operationType,
      planDigest: plan.digest,
      // Large plans stay in approval_plan_pages; the request keeps the plan without its items.
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
    } else if (state === 'PENDING') {
      await this.outbox.add(
        manager,
        Topics.approvalDecisions,
        submitted.operationId,
        buildEnvelope(
          { approvalRequested: { operationId: submitted.operationId, planDigest: plan.digest, policyName: policy.name, requiredApprovals: policy.requiredApprovals } },
          meta,
        ),
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

  /**
   * A large plan from its pages, read one at a time: the digest recomputed item by item, the money it moves, and how
   * many items it has. Pages travel before OperationSubmitted on the same partition, so all are here.
   */
  private async pagedPlan(manager: EntityManager, submitted: eventsV1.OperationSubmitted): Promise<{ digest: string; totals: Map<string, DecimalAmount>; items: number }> {
    const builder = new PlanDigestBuilder(submitted.plan!.operationType, submitted.plan!.executionOptions);
    const totals = new Map<string, DecimalAmount>();
    let items = 0;
    for (let pageNumber = 1; pageNumber <= submitted.pageCount; pageNumber += 1) {
      const page = await manager.getRepository(PlanPageRow).findOneBy({ operationId: submitted.operationId, pageNumber });
      if (!page) throw new Error(`operation ${submitted.operationId}: plan page ${pageNumber} of ${submitted.pageCount} has not arrived`);
      const plans = page.items.map((item) => operationV1.ItemPlan.fromJSON(item));
      for (const plan of plans) builder.add(plan);
      totalsPerCurrency({ items: plans }, totals);
      items += plans.length;
    }
    return { digest: builder.digest(), totals, items };
  }
}
