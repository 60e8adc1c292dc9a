import { operationV1, type eventsV1 } from '@tradewarden/proto';
import type { PlatformChangeOutcome, PlatformChangeStatus } from './change-decision';

const STATUS: Record<PlatformChangeStatus, operationV1.ItemStatus> = {
  APPLIED: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
  DRIFTED: operationV1.ItemStatus.ITEM_STATUS_DRIFTED,
  FAILED: operationV1.ItemStatus.ITEM_STATUS_FAILED,
};

/**
 * The ItemExecuted of one platform change. Applied in the transaction that consumed the command, so there is exactly
 * one attempt; the reference is the changed record's own id (a grant's uuid, a policy's name).
 */
export function itemExecutedOf(request: { operationId: string; serverId: string }, itemId: string, outcome: PlatformChangeOutcome, reference: string): eventsV1.ItemExecuted {
  return {
    operationId: request.operationId,
    itemId,
    serverId: request.serverId,
    status: STATUS[outcome.status],
    executionToken: '',
    mtReference: reference,
    mtRetcode: '',
    before: outcome.before,
    after: outcome.after,
    errorCode: outcome.errorCode,
    errorMessage: outcome.errorMessage,
    attempt: 1,
  };
}
