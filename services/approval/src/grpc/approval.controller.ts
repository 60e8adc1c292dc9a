import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { callerOf } from '@tradewarden/grpc';
import { approvalV1, commonV1, operationV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { DelegationService } from '../delegation/delegation.service';
import { ApprovalPolicyRow } from '../policy/approval-policy.entity';
import { ApprovalDecisionService } from '../requests/approval-decision.service';
import { ApprovalRequestRow } from '../requests/approval-request.entity';
import { PendingRequestsService } from '../requests/pending-requests.service';

const stateToProto: Record<ApprovalRequestRow['state'], approvalV1.ApprovalState> = {
  PENDING: approvalV1.ApprovalState.APPROVAL_STATE_PENDING,
  APPROVED: approvalV1.ApprovalState.APPROVAL_STATE_APPROVED,
  REJECTED: approvalV1.ApprovalState.APPROVAL_STATE_REJECTED,
  EXPIRED: approvalV1.ApprovalState.APPROVAL_STATE_EXPIRED,
  CANCELLED: approvalV1.ApprovalState.APPROVAL_STATE_CANCELLED,
};

function requireOperationId(operationId: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(operationId)) throw new ApprovalError('INVALID_ARGUMENT', 'operation_id: must be a UUID');
}

/** Approval's gRPC surface: each method takes the caller from the validated token and hands over to a service. */
@Controller()
@approvalV1.ApprovalServiceControllerMethods()
export class ApprovalController implements approvalV1.ApprovalServiceController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    private readonly decisions: ApprovalDecisionService,
    private readonly pending: PendingRequestsService,
    private readonly delegations: DelegationService,
  ) {}

  async getApprovalRequest(request: approvalV1.GetApprovalRequestRequest, metadata?: Metadata): Promise<approvalV1.GetApprovalRequestResponse> {
    return { approvalRequest: await this.view(await this.viewable(callerOf(metadata).actor, request.operationId)) };
  }

  async getApprovalPlan(request: approvalV1.GetApprovalPlanRequest, metadata?: Metadata): Promise<approvalV1.GetApprovalPlanResponse> {
    const row = await this.viewable(callerOf(metadata).actor, request.operationId);
    return this.pending.planPage(row, request.pageSize, request.pageToken);
  }

  async listPending(request: approvalV1.ListPendingRequest, metadata?: Metadata): Promise<approvalV1.ListPendingResponse> {
    const { rows, nextPageToken } = await this.pending.listPending(callerOf(metadata).actor, approvalV1.ListPendingRequest.fromPartial(request));
    return { approvalRequests: await Promise.all(rows.map((row) => this.view(row))), nextPageToken };
  }

  async approve(request: approvalV1.ApproveRequest, metadata?: Metadata): Promise<approvalV1.ApproveResponse> {
    const { actor } = callerOf(metadata);
    requireOperationId(request.operationId);
    if (request.comment.length > 1000) throw new ApprovalError('INVALID_ARGUMENT', 'comment: at most 1000 characters');
    const row = await this.decisions.decide(actor, request.operationId, { kind: 'approve', planDigest: request.planDigest }, request.comment);
    return { approvalRequest: await this.view(row) };
  }

  async reject(request: approvalV1.RejectRequest, metadata?: Metadata): Promise<approvalV1.RejectResponse> {
    const { actor } = callerOf(metadata);
    requireOperationId(request.operationId);
    if (!request.reason.trim() || request.reason.length > 1000) throw new ApprovalError('INVALID_ARGUMENT', 'reason: required, at most 1000 characters');
    const row = await this.decisions.decide(actor, request.operationId, { kind: 'reject', planDigest: request.planDigest }, request.reason.trim());
    return { approvalRequest: await this.view(row) };
  }

  async delegateApprovals(request: approvalV1.DelegateApprovalsRequest, metadata?: Metadata): Promise<approvalV1.DelegateApprovalsResponse> {
    return { delegation: await this.delegations.delegate(callerOf(metadata).actor, approvalV1.DelegateApprovalsRequest.fromPartial(request)) };
  }

  async revokeDelegation(request: approvalV1.RevokeDelegationRequest, metadata?: Metadata): Promise<approvalV1.RevokeDelegationResponse> {
    return { delegation: await this.delegations.revoke(callerOf(metadata).actor, request.delegationId) };
  }

  async listDelegations(_request: approvalV1.ListDelegationsRequest, metadata?: Metadata): Promise<approvalV1.ListDelegationsResponse> {
    return { delegations: await this.delegations.list(callerOf(metadata).actor) };
  }

  async listPolicies(_request: approvalV1.ListPoliciesRequest, metadata?: Metadata): Promise<approvalV1.ListPoliciesResponse> {
    const { actor } = callerOf(metadata);
    // Intake reads them to plan approval_policy.* operations; people need the view permission on those.
    if (actor.kind !== commonV1.ActorKind.ACTOR_KIND_SERVICE || !actor.roles.includes('tradewarden-service')) {
      await this.authorization.require(actor, { action: 'view', operationType: 'approval_policy.set' });
    }
    const rows = await this.dataSource.getRepository(ApprovalPolicyRow).find({ order: { priority: 'ASC', name: 'ASC' } });
    return {
      policies: rows.map((row) => ({
        name: row.name,
        operationTypePattern: row.operationTypePattern,
        mode: row.mode,
        requiredApprovals: row.requiredApprovals,
        ...(row.maxTotalPerCurrency !== null ? { maxTotalPerCurrency: row.maxTotalPerCurrency } : {}),
        priority: row.priority,
        serverPattern: row.serverPattern,
        serverTags: row.serverTags,
        groupMasks: row.groupMasks,
        ...(row.maxAccounts !== null ? { maxAccounts: row.maxAccounts } : {}),
        approverRoles: row.approverRoles,
        ...(row.ttlSeconds !== null ? { ttlSeconds: row.ttlSeconds } : {}),
      })),
    };
  }

  private async viewable(actor: Parameters<AuthorizationClient['require']>[0], operationId: string): Promise<ApprovalRequestRow> {
    requireOperationId(operationId);
    const row = await this.dataSource.getRepository(ApprovalRequestRow).findOneBy({ operationId });
    if (!row) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${operationId}`);
    await this.authorization.require(actor, { action: 'view', operationType: row.operationType });
    return row;
  }

  private async view(row: ApprovalRequestRow): Promise<approvalV1.ApprovalRequest> {
    return {
      operationId: row.operationId,
      operationType: row.operationType,
      state: stateToProto[row.state],
      policyName: row.policyName,
      planDigest: row.planDigest,
      autoApproved: row.autoApproved,
      createdAt: row.createdAt,
      decidedAt: row.decidedAt ?? undefined,
      requiredApprovals: row.requiredApprovals,
      approvers: await this.decisions.approvers(row.operationId),
      expiresAt: row.state === 'PENDING' ? (row.expiresAt ?? undefined) : undefined,
      summary: {
        itemCount: row.itemCount,
        serverIds: row.serverIds,
        accountCount: row.accountCount,
        totals: row.totals,
        warningCount: row.warningCount,
      },
      submittedBy: row.submittedByUsername,
      approverRoles: row.approverRoles,
      reason: row.reason ?? '',
      executionOptions: operationV1.OperationPlan.fromJSON(row.plan).executionOptions,
    };
  }
}
