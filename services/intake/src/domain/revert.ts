import { operationV1 } from '@tradewarden/proto';
import type { ItemOutcome as PlannedItemOutcome } from '../catalogue/operation-planner';
import type { ItemOutcome, OperationStatus } from './operation-status';

/** The operation type of a revert: permissioned and approved under its own name, whatever it restores. */
export const REVERT_OPERATION_TYPE = 'operation.revert';

/** Why an operation in this status cannot be reverted; undefined when it can. */
export function revertRefusal(status: OperationStatus, operationType: string): string | undefined {
  if (operationType === REVERT_OPERATION_TYPE) return 'a revert is not reverted; submit the change again instead';
  if (status === 'COMPLETED' || status === 'PARTIALLY_FAILED') return undefined;
  if (status === 'REVERTED') return 'the operation was reverted already';
  return `only a COMPLETED or PARTIALLY_FAILED operation can be reverted; this one is ${status}`;
}

/** An item of the original operation as stored (proto JSON columns). */
export interface AppliedItem {
  rowNumber: number;
  status: ItemOutcome;
  spec: object;
  change: object;
  revert: object | null;
  before: Record<string, string>;
  after: Record<string, string>;
}

export type RevertStep = { kind: 'restore'; item: PlannedItemOutcome } | { kind: 'irreversible'; rowNumber: number } | { kind: 'untouched' };

/**
 * What a revert does with one item of the original: an applied item with a recorded revert change is restored: the
 * state it left (after) is what the gateway must find, the state before it is what it writes back, so a record changed
 * on the server since is reported DRIFTED rather than overwritten. An applied item without a revert change (an account
 * opening, a password reset) cannot be undone; an item that was never applied has nothing to undo.
 */
export function revertStep(item: AppliedItem): RevertStep {
  if (item.status !== 'APPLIED') return { kind: 'untouched' };
  if (!item.revert) return { kind: 'irreversible', rowNumber: item.rowNumber };
  return {
    kind: 'restore',
    item: {
      rowNumber: item.rowNumber,
      spec: operationV1.OperationItemSpec.fromJSON(item.spec),
      errors: [],
      warnings: [],
      planned: {
        before: item.after,
        after: item.before,
        change: operationV1.MtChange.fromJSON(item.revert),
        revert: operationV1.MtChange.fromJSON(item.change),
        warnings: [],
      },
    },
  };
}

/** The original's status once its revert ended: REVERTED only when every restoring item was applied. */
export function originalStatusAfterRevert(revertOutcome: 'COMPLETED' | 'PARTIALLY_FAILED' | 'FAILED'): 'REVERTED' | undefined {
  return revertOutcome === 'COMPLETED' ? 'REVERTED' : undefined;
}
