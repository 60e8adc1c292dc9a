import { operationV1 } from '@tradewarden/proto';

export type OperationStatus =
  | 'SUBMITTED'
  | 'INVALID'
  | 'PENDING_APPROVAL'
  | 'APPROVED'
  | 'SCHEDULED'
  | 'EXECUTING'
  | 'COMPLETED'
  | 'PARTIALLY_FAILED'
  | 'FAILED'
  | 'REJECTED'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'REVERTED';

const transitions: Record<OperationStatus, readonly OperationStatus[]> = {
  SUBMITTED: ['INVALID', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'CANCELLED'],
  PENDING_APPROVAL: ['APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'],
  APPROVED: ['SCHEDULED', 'EXECUTING', 'CANCELLED'],
  SCHEDULED: ['EXECUTING', 'CANCELLED'],
  EXECUTING: ['COMPLETED', 'PARTIALLY_FAILED', 'FAILED'],
  COMPLETED: ['REVERTED'],
  PARTIALLY_FAILED: ['REVERTED'],
  FAILED: [],
  INVALID: [],
  REJECTED: [],
  EXPIRED: [],
  CANCELLED: [],
  REVERTED: [],
};

export class OperationTransitionError extends Error {
  constructor(
    readonly from: OperationStatus,
    readonly to: OperationStatus,
  ) {
    super(`an operation cannot go from ${from} to ${to}`);
    this.name = 'OperationTransitionError';
  }
}

/** The operation lifecycle (product brief): every status change goes through here. */
export function nextStatus(from: OperationStatus, to: OperationStatus): OperationStatus {
  if (!transitions[from].includes(to)) throw new OperationTransitionError(from, to);
  return to;
}

export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return transitions[from].includes(to);
}

export const ALL_STATUSES = Object.keys(transitions) as OperationStatus[];

/** Cancellation is possible only before anything was sent to an MT server. */
export function isCancellable(status: OperationStatus): boolean {
  return canTransition(status, 'CANCELLED');
}

// Where an operation's own progress ends. COMPLETED and PARTIALLY_FAILED may still be REVERTED later, but a revert is
// a decision of its own, not progress a watcher waits for.
const FINAL_STATUSES: readonly OperationStatus[] = ['COMPLETED', 'PARTIALLY_FAILED', 'FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'REVERTED', 'INVALID'];

export function isFinal(status: OperationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function statusToProto(status: OperationStatus): operationV1.OperationStatus {
  return operationV1.OperationStatus[`OPERATION_STATUS_${status}` as keyof typeof operationV1.OperationStatus] as operationV1.OperationStatus;
}

/** The lifecycle status a proto value names; undefined for UNSPECIFIED and values this build does not know. */
export function statusFromProto(status: operationV1.OperationStatus): OperationStatus | undefined {
  return ALL_STATUSES.find((candidate) => statusToProto(candidate) === status);
}

export type ItemOutcome = 'PENDING' | 'APPLIED' | 'FAILED' | 'DRIFTED' | 'REJECTED' | 'SKIPPED';

export const ALL_ITEM_OUTCOMES: readonly ItemOutcome[] = ['PENDING', 'APPLIED', 'FAILED', 'DRIFTED', 'REJECTED', 'SKIPPED'];

/** The rows a report of what went wrong lists: everything that ended without being applied. */
export const UNSUCCESSFUL_ITEM_OUTCOMES: readonly ItemOutcome[] = ['FAILED', 'DRIFTED', 'REJECTED', 'SKIPPED'];

/** The final status once no item is pending: all applied, none applied, or some of each. */
export function executionOutcome(items: readonly ItemOutcome[]): 'COMPLETED' | 'PARTIALLY_FAILED' | 'FAILED' | undefined {
  if (items.length === 0 || items.includes('PENDING')) return undefined;
  const applied = items.filter((item) => item === 'APPLIED').length;
  if (applied === items.length) return 'COMPLETED';
  return applied === 0 ? 'FAILED' : 'PARTIALLY_FAILED';
}
