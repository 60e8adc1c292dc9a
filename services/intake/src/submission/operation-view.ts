import { intakeV1, operationV1 } from '@tradewarden/proto';
import { statusToProto, type ItemOutcome } from '../domain/operation-status';
import type { OperationItemRow } from '../persistence/operation-item.entity';
import type { OperationRow } from '../persistence/operation.entity';

const itemStatus: Record<ItemOutcome, operationV1.ItemStatus> = {
  PENDING: operationV1.ItemStatus.ITEM_STATUS_PENDING,
  APPLIED: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
  FAILED: operationV1.ItemStatus.ITEM_STATUS_FAILED,
  DRIFTED: operationV1.ItemStatus.ITEM_STATUS_DRIFTED,
  REJECTED: operationV1.ItemStatus.ITEM_STATUS_REJECTED,
  SKIPPED: operationV1.ItemStatus.ITEM_STATUS_SKIPPED,
};

export function toOperationView(operation: OperationRow, items: readonly OperationItemRow[]): intakeV1.Operation {
  return {
    operationId: operation.operationId,
    clientRequestId: operation.clientRequestId,
    operationType: operation.operationType,
    status: statusToProto(operation.status),
    submittedBy: operation.submittedByUsername,
    submittedAt: operation.createdAt,
    updatedAt: operation.updatedAt,
    planDigest: operation.planDigest,
    items: items.map((item) => ({
      itemId: item.itemId,
      rowNumber: item.rowNumber,
      spec: operationV1.OperationItemSpec.fromJSON(item.spec),
      status: itemStatus[item.status],
      before: item.before,
      after: item.after,
      mtReference: item.mtReference ?? '',
      errorCode: item.errorCode ?? '',
      errorMessage: item.errorMessage ?? '',
      warnings: item.warnings,
    })),
    counts: countsOf(items),
    options: undefined,
    template: '',
    statusReason: '',
  };
}

function countsOf(items: readonly OperationItemRow[]): intakeV1.ItemCounts {
  const count = (status: OperationItemRow['status']) => items.filter((item) => item.status === status).length;
  return {
    total: items.length,
    pending: count('PENDING'),
    applied: count('APPLIED'),
    failed: count('FAILED'),
    drifted: count('DRIFTED'),
    rejected: count('REJECTED'),
    skipped: count('SKIPPED'),
  };
}
