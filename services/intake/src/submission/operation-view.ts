import { intakeV1, operationV1 } from '@tradewarden/proto';
import { statusToProto, type ItemOutcome } from '../domain/operation-status';
import type { ItemStatusTotal } from '../persistence/item-status-totals';
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

/**
 * The API view of an operation with the given items (a page, or none). `totals` are the counts over all its items
 * (itemStatusTotals); without them the items given are counted, which is right only when they are all the items.
 */
export function toOperationView(operation: OperationRow, items: readonly OperationItemRow[], totals: readonly ItemStatusTotal[] = totalsOf(items)): intakeV1.Operation {
  return {
    operationId: operation.operationId,
    clientRequestId: operation.clientRequestId,
    operationType: operation.operationType,
    status: statusToProto(operation.status),
    submittedBy: operation.submittedByUsername,
    submittedAt: operation.createdAt,
    updatedAt: operation.updatedAt,
    planDigest: operation.planDigest,
    items: items.map(toItemView),
    counts: itemCountsOf(totals),
    options: operation.options ? intakeV1.BatchOptions.fromJSON(operation.options) : undefined,
    template: operation.template ?? '',
    statusReason: operation.statusReason ?? '',
    revertsOperationId: operation.revertsOperationId ?? '',
  };
}

function toItemView(item: OperationItemRow): intakeV1.OperationItem {
  return {
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
  };
}

/** The columns of an item its report row needs (a report never loads changes or before/after states). */
export type ReportedItem = Pick<OperationItemRow, 'rowNumber' | 'itemId' | 'spec' | 'status' | 'errorCode' | 'errorMessage' | 'mtReference'>;

export function toReportRow(item: ReportedItem): intakeV1.ReportRow {
  return {
    rowNumber: item.rowNumber,
    itemId: item.itemId,
    spec: operationV1.OperationItemSpec.fromJSON(item.spec),
    status: itemStatus[item.status],
    errorCode: item.errorCode ?? '',
    errorMessage: item.errorMessage ?? '',
    mtReference: item.mtReference ?? '',
  };
}

export function itemCountsOf(totals: readonly ItemStatusTotal[]): intakeV1.ItemCounts {
  const count = (status: ItemOutcome) => totals.filter((total) => total.status === status).reduce((sum, total) => sum + total.count, 0);
  return {
    total: totals.reduce((sum, total) => sum + total.count, 0),
    pending: count('PENDING'),
    applied: count('APPLIED'),
    failed: count('FAILED'),
    drifted: count('DRIFTED'),
    rejected: count('REJECTED'),
    skipped: count('SKIPPED'),
  };
}

function totalsOf(items: readonly OperationItemRow[]): ItemStatusTotal[] {
  return items.map((item) => ({ status: item.status, count: 1 }));
}
