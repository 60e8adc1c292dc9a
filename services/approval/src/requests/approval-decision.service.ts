import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { commonV1, operationV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { ApprovalAuthorityService } from '../delegation/approval-authority';
import { approvedItemsOf, type ApprovedItem } from '../policy/plan-facts';
import { decide, type Decision } from './approval-decision';
import { ApprovalDecisionRow } from './approval-decision.entity';
import { ApprovalRequestRow } from './approval-request.entity';
import { PlanPageRow } from './plan-page.entity';

/**
 * Approve and Reject. The request row is locked for the decision, so concurrent decisions on one operation are applied
 * one after the other and produce exactly one state change; the decision and its event are written together.
 */
@Injectable()
export class ApprovalDecisionService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authority: ApprovalAuthorityService,
    private readonly authorization: AuthorizationClient,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  async decide(actor: commonV1.Actor, operationId: string, decision: Pick<Decision, 'kind' | 'planDigest'>, note: string): Promise<ApprovalRequestRow> {
    const preview = await this.dataSource.getRepository(ApprovalRequestRow).findOneBy({ operationId });
    if (!preview) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${operationId}`);
    // The approver needs the permission on every server the plan touches (admins included: no bypass), their own or
    // one delegated to them.
    const authority = await this.authority.authorityFor(actor, preview.operationType, preview.serverIds, new Date());
    // And item by item, with each item's group and amount: an approve grant scoped to groups or limited in amount covers
    // only the items within it (one AuthorizeBatch, also for a 100,000-item plan).
    if (decision.kind === 'approve') {
      await this.authorization.requireBatch(authority.actor, { action: 'approve', operationType: preview.operationType, items: await this.approvedItems(preview) });
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const request = await manager.getRepository(ApprovalRequestRow).findOne({ where: { operationId }, lock: { mode: 'pessimistic_write' } });
      if (!request) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${operationId}`);
      const earlier = await manager.getRepository(ApprovalDecisionRow).findBy({ operationId, decision: 'APPROVED' });
      const next = decide(
        {
          state: request.state,
          planDigest: request.planDigest,
          submittedBy: request.submittedBy,
          requiredApprovals: request.requiredApprovals,
          approvals: earlier.map((row) => ({ decidedBy: row.decidedBy, ...(row.onBehalfOf ? { onBehalfOf: row.onBehalfOf } : {}) })),
          expiresAt: request.expiresAt,
          approverRoles: request.approverRoles,
        },
        {
          ...decision,
          decidedBy: actor.subject,
          ...(authority.onBehalfOf ? { onBehalfOf: authority.onBehalfOf.subject } : {}),
          authorityRoles: authority.roles,
          // The database's clock, the one the expiry sweep uses, so that no decision slips past it.
          at: await this.databaseNow(manager),
        },
      );
      await manager.insert(ApprovalDecisionRow, {
        operationId,
        decidedBy: actor.subject,
        actor: commonV1.Actor.toJSON(actor) as object,
        decision: decision.kind === 'approve' ? 'APPROVED' : 'REJECTED',
        planDigest: decision.planDigest,
        note,
        decidedAt: new Date(),
        onBehalfOf: authority.onBehalfOf?.subject ?? null,
        onBehalfOfUsername: authority.onBehalfOf?.username ?? null,
      });
      const meta = { actor, producer: 'approval', aggregateId: operationId };
      if (next === 'APPROVED') {
        const approvers = [...earlier.map((row) => commonV1.Actor.fromJSON(row.actor)), actor];
        await this.outbox.add(
          manager,
          Topics.approvalDecisions,
          operationId,
          buildEnvelope({ operationApproved: { operationId, planDigest: request.planDigest, policyName: request.policyName, autoApproved: false, approvers } }, meta),
        );
      } else if (next === 'REJECTED') {
        await this.outbox.add(
          manager,
          Topics.approvalDecisions,
          operationId,
          buildEnvelope({ operationRejected: { operationId, planDigest: request.planDigest, policyName: request.policyName, reason: note } }, meta),
        );
      }
      const changes = next === request.state ? {} : { state: next, decidedAt: new Date(), expiresAt: null, reason: next === 'REJECTED' ? note : null };
      if (next !== request.state) await manager.update(ApprovalRequestRow, { operationId }, changes);
      return { ...request, ...changes };
    });
    this.messaging.publishSoon();
    return row;
  }

  /** The plan's items as the approve permission sees them, from the request (small plans) or its pages. */
  private async approvedItems(request: ApprovalRequestRow): Promise<ApprovedItem[]> {
    const inline = operationV1.OperationPlan.fromJSON(request.plan).items;
    if (inline.length > 0) return approvedItemsOf(inline);
    const pages = await this.dataSource.getRepository(PlanPageRow).find({ where: { operationId: request.operationId }, order: { pageNumber: 'ASC' } });
    return pages.flatMap((page) => approvedItemsOf(page.items.map((item) => operationV1.ItemPlan.fromJSON(item))));
  }

  /** Usernames of the approvals given, "delegate (for delegator)" for those given under a delegation. */
  async approvers(operationId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(ApprovalDecisionRow).find({ where: { operationId, decision: 'APPROVED' }, order: { decidedAt: 'ASC' } });
    return rows.map((row) => {
      const username = commonV1.Actor.fromJSON(row.actor).username;
      return row.onBehalfOfUsername ? `${username} (for ${row.onBehalfOfUsername})` : username;
    });
  }

  private async databaseNow(manager: { query(sql: string): Promise<unknown> }): Promise<Date> {
    const [row] = (await manager.query('SELECT now() AS now')) as { now: Date }[];
    return row!.now;
  }
}
