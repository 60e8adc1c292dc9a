import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { commonV1, operationV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { decide, type Decision } from './approval-decision';
import { ApprovalDecisionRow } from './approval-decision.entity';
import { ApprovalRequestRow } from './approval-request.entity';

/**
 * Approve and Reject. The request row is locked for the decision, so concurrent decisions on one operation are applied
 * one after the other and produce exactly one state change; the decision and its event are written together.
 */
@Injectable()
export class ApprovalDecisionService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  async decide(actor: commonV1.Actor, operationId: string, decision: Omit<Decision, 'decidedBy'>, note: string): Promise<ApprovalRequestRow> {
    const preview = await this.dataSource.getRepository(ApprovalRequestRow).findOneBy({ operationId });
    if (!preview) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${operationId}`);
    // The approver needs the permission on every server the plan touches (admins included: no bypass).
    const plan = operationV1.OperationPlan.fromJSON(preview.plan);
    const paged = (await this.dataSource.query(
      "SELECT DISTINCT item->'spec'->>'serverId' AS server_id FROM approval_plan_pages, jsonb_array_elements(items) AS item WHERE operation_id = $1",
      [operationId],
    )) as { server_id: string }[];
    for (const serverId of new Set([...plan.items.map((item) => item.spec?.serverId ?? ''), ...paged.map((row) => row.server_id)])) {
      await this.authorization.require(actor, { action: 'approve', operationType: preview.operationType, serverId });
    }
    const row = await this.dataSource.transaction(async (manager) => {
      const request = await manager.getRepository(ApprovalRequestRow).findOne({ where: { operationId }, lock: { mode: 'pessimistic_write' } });
      if (!request) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${operationId}`);
      const earlier = await manager.getRepository(ApprovalDecisionRow).findBy({ operationId, decision: 'APPROVED' });
      const next = decide(
        { state: request.state, planDigest: request.planDigest, submittedBy: request.submittedBy, requiredApprovals: request.requiredApprovals, approvedBy: earlier.map((row) => row.decidedBy) },
        { ...decision, decidedBy: actor.subject },
      );
      await manager.insert(ApprovalDecisionRow, {
        operationId,
        decidedBy: actor.subject,
        actor: commonV1.Actor.toJSON(actor) as object,
        decision: decision.kind === 'approve' ? 'APPROVED' : 'REJECTED',
        planDigest: decision.planDigest,
        note,
        decidedAt: new Date(),
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
      if (next !== request.state) await manager.update(ApprovalRequestRow, { operationId }, { state: next, decidedAt: new Date() });
      return { ...request, state: next };
    });
    this.messaging.publishSoon();
    return row;
  }

  async approvers(operationId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(ApprovalDecisionRow).find({ where: { operationId, decision: 'APPROVED' }, order: { decidedAt: 'ASC' } });
    return rows.map((row) => commonV1.Actor.fromJSON(row.actor).username);
  }
}
