import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { callerOf } from '@tradewarden/grpc';
import { approvalV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { ApprovalRequestRow } from '../requests/approval-request.entity';

const stateToProto: Record<ApprovalRequestRow['state'], approvalV1.ApprovalState> = {
  PENDING: approvalV1.ApprovalState.APPROVAL_STATE_PENDING,
  APPROVED: approvalV1.ApprovalState.APPROVAL_STATE_APPROVED,
  REJECTED: approvalV1.ApprovalState.APPROVAL_STATE_REJECTED,
  EXPIRED: approvalV1.ApprovalState.APPROVAL_STATE_EXPIRED,
  CANCELLED: approvalV1.ApprovalState.APPROVAL_STATE_CANCELLED,
};

@Controller()
@approvalV1.ApprovalServiceControllerMethods()
export class ApprovalController implements approvalV1.ApprovalServiceController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
  ) {}

  async getApprovalRequest(request: approvalV1.GetApprovalRequestRequest, metadata?: Metadata): Promise<approvalV1.GetApprovalRequestResponse> {
    const { actor } = callerOf(metadata);
    if (!/^[0-9a-f-]{36}$/i.test(request.operationId)) throw new ApprovalError('INVALID_ARGUMENT', 'operation_id must be a UUID');
    const row = await this.dataSource.getRepository(ApprovalRequestRow).findOneBy({ operationId: request.operationId });
    if (!row) throw new ApprovalError('NOT_FOUND', `no approval request for operation ${request.operationId}`);
    await this.authorization.require(actor, { action: 'view', operationType: row.operationType });
    return {
      approvalRequest: {
        operationId: row.operationId,
        operationType: row.operationType,
        state: stateToProto[row.state],
        policyName: row.policyName,
        planDigest: row.planDigest,
        autoApproved: row.autoApproved,
        createdAt: row.createdAt,
        decidedAt: row.decidedAt ?? undefined,
      },
    };
  }
}
