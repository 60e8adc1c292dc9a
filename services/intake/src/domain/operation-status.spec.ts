import { operationV1 } from '@tradewarden/proto';
import {
  ALL_STATUSES,
  canTransition,
  executionOutcome,
  isCancellable,
  isFinal,
  nextStatus,
  OperationTransitionError,
  statusFromProto,
  statusToProto,
  type OperationStatus,
} from './operation-status';

describe('operation lifecycle', () => {
  const allowed: [OperationStatus, OperationStatus][] = [
    ['SUBMITTED', 'INVALID'],
    ['SUBMITTED', 'PENDING_APPROVAL'],
    ['SUBMITTED', 'APPROVED'],
    ['SUBMITTED', 'REJECTED'],
    ['SUBMITTED', 'CANCELLED'],
    ['PENDING_APPROVAL', 'APPROVED'],
    ['PENDING_APPROVAL', 'REJECTED'],
    ['PENDING_APPROVAL', 'EXPIRED'],
    ['PENDING_APPROVAL', 'CANCELLED'],
    ['APPROVED', 'SCHEDULED'],
    ['APPROVED', 'EXECUTING'],
    ['APPROVED', 'CANCELLED'],
    ['SCHEDULED', 'EXECUTING'],
    ['SCHEDULED', 'CANCELLED'],
    ['EXECUTING', 'COMPLETED'],
    ['EXECUTING', 'PARTIALLY_FAILED'],
    ['EXECUTING', 'FAILED'],
    ['COMPLETED', 'REVERTED'],
    ['PARTIALLY_FAILED', 'REVERTED'],
  ];

  it.each(allowed)('%s -> %s is allowed', (from, to) => {
    expect(nextStatus(from, to)).toBe(to);
  });

  it('refuses every other transition', () => {
    for (const from of ALL_STATUSES) {
      for (const to of ALL_STATUSES) {
        const expected = allowed.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to)).toBe(expected);
        if (!expected) expect(() => nextStatus(from, to)).toThrow(OperationTransitionError);
      }
    }
  });

  it('never executes what was not approved', () => {
    expect(canTransition('SUBMITTED', 'EXECUTING')).toBe(false);
    expect(canTransition('PENDING_APPROVAL', 'EXECUTING')).toBe(false);
    expect(canTransition('REJECTED', 'EXECUTING')).toBe(false);
  });

  it('maps every status to its proto value', () => {
    for (const status of ALL_STATUSES) expect(operationV1.OperationStatus[statusToProto(status)]).toBe(`OPERATION_STATUS_${status}`);
  });

  it('maps every proto value back, and nothing for UNSPECIFIED or unknown values', () => {
    for (const status of ALL_STATUSES) expect(statusFromProto(statusToProto(status))).toBe(status);
    expect(statusFromProto(operationV1.OperationStatus.OPERATION_STATUS_UNSPECIFIED)).toBeUndefined();
    expect(statusFromProto(operationV1.OperationStatus.UNRECOGNIZED)).toBeUndefined();
    expect(statusFromProto(99 as operationV1.OperationStatus)).toBeUndefined();
  });
});

describe('cancellation', () => {
  const cancellable: OperationStatus[] = ['SUBMITTED', 'PENDING_APPROVAL', 'APPROVED', 'SCHEDULED'];

  it.each(cancellable)('%s -> CANCELLED is allowed: nothing was sent to a server yet', (from) => {
    expect(isCancellable(from)).toBe(true);
    expect(nextStatus(from, 'CANCELLED')).toBe('CANCELLED');
  });

  it.each(ALL_STATUSES.filter((status) => !cancellable.includes(status)))('%s -> CANCELLED is refused', (from) => {
    expect(isCancellable(from)).toBe(false);
    expect(() => nextStatus(from, 'CANCELLED')).toThrow(new OperationTransitionError(from, 'CANCELLED'));
  });

  it('is final: a cancelled operation goes nowhere, approval included', () => {
    for (const to of ALL_STATUSES) expect(canTransition('CANCELLED', to)).toBe(false);
  });
});

describe('final statuses (where a watch ends)', () => {
  const final: OperationStatus[] = ['COMPLETED', 'PARTIALLY_FAILED', 'FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'REVERTED', 'INVALID'];

  it.each(final)('%s is final', (status) => expect(isFinal(status)).toBe(true));

  it.each(ALL_STATUSES.filter((status) => !final.includes(status)))('%s is still in progress', (status) => expect(isFinal(status)).toBe(false));

  it('every status without a way out is final', () => {
    for (const status of ALL_STATUSES) if (ALL_STATUSES.every((to) => !canTransition(status, to))) expect(isFinal(status)).toBe(true);
  });
});

describe('executionOutcome', () => {
  it('waits while an item is pending', () => {
    expect(executionOutcome(['APPLIED', 'PENDING'])).toBeUndefined();
    expect(executionOutcome([])).toBeUndefined();
  });

  it('completes when every item applied', () => {
    expect(executionOutcome(['APPLIED', 'APPLIED'])).toBe('COMPLETED');
  });

  it('fails when nothing applied', () => {
    expect(executionOutcome(['FAILED', 'DRIFTED'])).toBe('FAILED');
  });

  it('counts items the server rejected as not applied', () => {
    expect(executionOutcome(['REJECTED'])).toBe('FAILED');
    expect(executionOutcome(['APPLIED', 'REJECTED'])).toBe('PARTIALLY_FAILED');
  });

  it('partially fails otherwise', () => {
    expect(executionOutcome(['APPLIED', 'DRIFTED'])).toBe('PARTIALLY_FAILED');
  });
});
