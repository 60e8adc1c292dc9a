import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, Topics, OutboxWriter, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1, type eventsV1 } from '@tradewarden/proto';
import { PlanDigestBuilder, planDigest } from '@tradewarden/plan-digest';
import { APPROVAL_SETTINGS, type ApprovalSettings } from '../approval-settings';
import { choosePolicy } from '../policy/approval-policy';
import { serverTagsOf } from '../registry/registry-events.handler';
import { ApprovalPolicyRow } from '../policy/approval-policy.entity';
import { PlanFactsBuilder, type PlanFacts } from '../policy/plan-facts';
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

  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
  ) {}

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
    const { digest, facts } =
      submitted.pageCount > 0 ? await this.pagedPlan(manager, submitted) : { digest: planDigest(plan), facts: new PlanFactsBuilder().add(plan.items).facts(plan.operationType) };
    const policy = choosePolicy(policies, facts, submitted.approvalPolicy, await serverTagsOf(manager, facts.serverIds));
    const digestMatches = digest === plan.digest && facts.items === submitted.itemCount;
    let state: ApprovalState = 'PENDING';
    if (!digestMatches) state = transition(state, 'REJECTED');
    else if (policy.mode === 'AUTO') state = transition(state, 'APPROVED');
    const ttlSeconds = policy.ttlSeconds ?? this.settings.defaultTtlSeconds;
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
      submittedByUsername: envelope.actor?.username ?? '',
      decidedAt: state === 'PENDING' ? null : new Date(),
      // The database's clock, the one the expiry sweep and decisions compare against.
      expiresAt: state === 'PENDING' ? () => `now() + make_interval(secs => ${Math.trunc(ttlSeconds)})` : null,
      serverIds: [...facts.serverIds].sort(),
      itemCount: facts.items,
      accountCount: facts.accounts,
      totals: [...facts.totals].map(([currency, total]) => ({ amount: total.format(facts.totalDigits.get(currency) ?? 2), currency })).sort((a, b) => a.currency.localeCompare(b.currency)),
      warningCount: facts.warnings,
      approverRoles: [...policy.approverRoles],
      reason: state === 'REJECTED' ? 'plan digest does not match the plan' : null,
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
   * A large plan from its pages, read one at a time: the digest recomputed item by item and the facts policies look at.
   * Pages travel before OperationSubmitted on the same partition, so all are here.
   */
  private async pagedPlan(manager: EntityManager, submitted: eventsV1.OperationSubmitted): Promise<{ digest: string; facts: PlanFacts }> {
    const builder = new PlanDigestBuilder(submitted.plan!.operationType, submitted.plan!.executionOptions);
    const facts = new PlanFactsBuilder();
    for (let pageNumber = 1; pageNumber <= submitted.pageCount; pageNumber += 1) {
      const page = await manager.getRepository(PlanPageRow).findOneBy({ operationId: submitted.operationId, pageNumber });
      if (!page) throw new Error(`operation ${submitted.operationId}: plan page ${pageNumber} of ${submitted.pageCount} has not arrived`);
      const plans = page.items.map((item) => operationV1.ItemPlan.fromJSON(item));
      for (const plan of plans) builder.add(plan);
      facts.add(plans);
    }
    return { digest: builder.digest(), facts: facts.facts(submitted.plan!.operationType) };
  }
}
