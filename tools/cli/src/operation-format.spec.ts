import { intakeV1, operationV1 } from '@tradewarden/proto';
import { ExitCode, UsageError } from './exit-codes';
import {
  exitCodeForFinalState,
  formatBatchResult,
  formatChanges,
  formatCounts,
  formatOperationItem,
  formatOperationList,
  formatOperationSummary,
  isFinal,
  parseSince,
  parseStatuses,
  batchResultJson,
  rowOfIssueField,
  sameFieldValue,
  validationJson,
} from './operation-format';

const { OperationStatus } = operationV1;
const operation = intakeV1.Operation.fromPartial({
  operationId: 'op-1',
  operationType: 'balance.deposit',
  status: OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED,
  submittedBy: 'agent',
  submittedAt: new Date('2025-03-01T10:00:00.123Z'),
  counts: { total: 3, applied: 2, failed: 1 },
});

describe('operation formatting', () => {
  it('reads statuses by short or proto name', () => {
    expect(parseStatuses(['completed,PENDING_APPROVAL', 'OPERATION_STATUS_FAILED'])).toEqual([
      OperationStatus.OPERATION_STATUS_COMPLETED,
      OperationStatus.OPERATION_STATUS_PENDING_APPROVAL,
      OperationStatus.OPERATION_STATUS_FAILED,
    ]);
    expect(() => parseStatuses(['done'])).toThrow(UsageError);
  });

  it('reads --since as a duration or a date', () => {
    const now = Date.parse('2025-03-02T00:00:00Z');
    expect(parseSince('24h', now).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2025-02-23T00:00:00.000Z');
    expect(parseSince('2025-01-31', now).toISOString()).toBe('2025-01-31T00:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow('--since');
  });

  it('exits 0 only for completed operations', () => {
    expect(isFinal(OperationStatus.OPERATION_STATUS_EXECUTING)).toBe(false);
    expect(isFinal(OperationStatus.OPERATION_STATUS_CANCELLED)).toBe(true);
    expect(exitCodeForFinalState(OperationStatus.OPERATION_STATUS_COMPLETED)).toBe(ExitCode.Ok);
    expect(exitCodeForFinalState(OperationStatus.OPERATION_STATUS_PARTIALLY_FAILED)).toBe(ExitCode.Failed);
  });

  it('lists operations as a table', () => {
    expect(formatCounts(operation.counts)).toBe('3 items (2 applied, 1 failed)');
    expect(formatOperationList([operation], 'next').split('\n')).toEqual([
      'id    type             status            items                          submitted by  submitted at',
      'op-1  balance.deposit  partially_failed  3 items (2 applied, 1 failed)  agent         2025-03-01T10:00:00Z',
      '(more operations match: raise --limit)',
    ]);
    expect(formatOperationList([], '')).toBe('no operations');
  });

  it('shows what changes of an item, its status and error', () => {
    expect(formatChanges({ balance: '100.00', credit: '0.00' }, { balance: '150.00', credit: '0.00' })).toEqual(['balance: 100.00 -> 150.00']);
    const item = intakeV1.OperationItem.fromPartial({
      itemId: 'i-3',
      rowNumber: 3,
      spec: { serverId: 'mt5-demo-1' },
      status: operationV1.ItemStatus.ITEM_STATUS_REJECTED,
      before: { balance: '5.00' },
      after: { balance: '0.00' },
      errorCode: 'MT_RETCODE_10019',
      errorMessage: 'no money',
    });
    expect(formatOperationItem(item).split('\n')).toEqual(['row 3  mt5-demo-1  rejected  (item i-3)', '    balance: 5.00 -> 0.00', '    error MT_RETCODE_10019: no money']);
  });

  it('does not show a decimal written with other digits as a change (the read-back after-state of an executed item)', () => {
    // Before from the plan (the currency's digits), after as the gateway read it back.
    expect(formatChanges({ login: '500002', balance: '2000.00', credit: '0.00' }, { login: '500002', balance: '2042', credit: '0' })).toEqual(['balance: 2000.00 -> 2042']);
    expect(formatChanges({ swap_long: '-6.80', spread: '010' }, { swap_long: '-6.8', spread: '10' })).toEqual([]);
    expect(formatChanges({ a: '1.05', b: '10', c: '-1', d: '-0.00', e: 'real\\retail' }, { a: '1.5', b: '1', c: '1', d: '0', e: 'real\\pro' })).toEqual([
      'a: 1.05 -> 1.5',
      'b: 10 -> 1',
      'c: -1 -> 1',
      'e: real\\retail -> real\\pro',
    ]);
    expect(sameFieldValue('100', '10.0')).toBe(false);
    expect(sameFieldValue('0.10', '0.1')).toBe(true);
    expect(sameFieldValue('abc', undefined)).toBe(false);
  });

  it('always puts valid and submitted in the --json documents, also when false', () => {
    expect(validationJson(intakeV1.ValidateOperationResponse.fromPartial({ valid: false, totals: { items: 1 } }))).toEqual({ valid: false, totals: expect.objectContaining({ items: 1 }) });
    expect(validationJson(intakeV1.ValidateOperationResponse.fromPartial({ valid: true }))).toMatchObject({ valid: true });
    const refused = batchResultJson(intakeV1.SubmitBatchResponse.fromPartial({ submitted: false, errorCount: 1, errors: [{ field: 'items[1].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND', message: 'no account' }] }));
    expect(refused).toEqual({ submitted: false, errorCount: 1, errors: [{ field: 'items[1].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND', message: 'no account' }] });
    expect(Object.keys(refused)[0]).toBe('submitted');
    expect(batchResultJson(intakeV1.SubmitBatchResponse.fromPartial({ submitted: true, acceptedItems: 2 }))).toMatchObject({ submitted: true, acceptedItems: 2 });
  });

  it('summarizes an operation, naming the operation a revert undoes', () => {
    const revert = intakeV1.Operation.fromPartial({
      operationId: 'op-9',
      operationType: 'operation.revert',
      status: OperationStatus.OPERATION_STATUS_PENDING_APPROVAL,
      submittedBy: 'supervisor',
      submittedAt: new Date('2025-03-01T10:00:00Z'),
      updatedAt: new Date('2025-03-01T10:00:01Z'),
      counts: { total: 1, pending: 1 },
      revertsOperationId: 'op-1',
      statusReason: 'reverts operation op-1: booked twice',
    });
    expect(formatOperationSummary(revert).split('\n')).toEqual([
      'operation op-9  operation.revert  PENDING_APPROVAL',
      '  submitted by supervisor at 2025-03-01T10:00:00Z; updated 2025-03-01T10:00:01Z',
      '  1 item (1 pending)',
      '  reverts operation op-1',
      '  reason: reverts operation op-1: booked twice',
    ]);
  });

  it('describes batch answers', () => {
    expect(formatBatchResult(intakeV1.SubmitBatchResponse.fromPartial({ submitted: false, errorCount: 1, errors: [{ field: 'items[4].balance_deposit.login', code: 'FORMAT', message: 'digits only' }] }))).toBe(
      'refused: nothing was stored (1 problem)\n  items[4].balance_deposit.login: digits only [FORMAT]',
    );
    expect(formatBatchResult(intakeV1.SubmitBatchResponse.fromPartial({ submitted: true, acceptedItems: 2, skippedItems: 1, operation })).split('\n')[0]).toBe('submitted: 2 items accepted, 1 skipped as invalid');
    expect(rowOfIssueField('items[4].balance_deposit.login')).toBe(5);
    expect(rowOfIssueField('operation_type')).toBeUndefined();
  });
});
