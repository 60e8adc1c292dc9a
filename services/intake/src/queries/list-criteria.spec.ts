import { intakeV1, operationV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';
import { listCondition, listCriteriaOf, timestampToDate, type ListCriteria } from './list-criteria';
import { encodeCursor } from './operation-cursor';

const { OperationStatus } = operationV1;

function refusal(request: Partial<intakeV1.ListOperationsRequest>): IntakeError {
  try {
    listCriteriaOf(intakeV1.ListOperationsRequest.fromPartial(request));
  } catch (error) {
    if (error instanceof IntakeError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('listCriteriaOf', () => {
  it('defaults to any operation, 50 a page, from the newest', () => {
    expect(listCriteriaOf(intakeV1.ListOperationsRequest.fromPartial({}))).toEqual({
      statuses: [],
      operationType: '',
      serverId: '',
      submittedBy: '',
      submittedAfter: undefined,
      submittedBefore: undefined,
      pageSize: 50,
      after: undefined,
    });
  });

  it('maps statuses to the lifecycle and drops repeats', () => {
    const criteria = listCriteriaOf(
      intakeV1.ListOperationsRequest.fromPartial({
        statuses: [OperationStatus.OPERATION_STATUS_PENDING_APPROVAL, OperationStatus.OPERATION_STATUS_CANCELLED, OperationStatus.OPERATION_STATUS_CANCELLED],
      }),
    );
    expect(criteria.statuses).toEqual(['PENDING_APPROVAL', 'CANCELLED']);
  });

  it.each([1, 500])('accepts page_size %d', (pageSize) => {
    expect(listCriteriaOf(intakeV1.ListOperationsRequest.fromPartial({ pageSize })).pageSize).toBe(pageSize);
  });

  it.each([-1, 501, 100_000])('refuses page_size %d, naming it', (pageSize) => {
    const error = refusal({ pageSize });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldErrors).toEqual([expect.objectContaining({ field: 'page_size', code: 'RANGE' })]);
  });

  it('refuses a page token it did not issue, naming page_token', () => {
    expect(refusal({ pageToken: 'bm90IGEgY3Vyc29y' }).fieldErrors).toEqual([expect.objectContaining({ field: 'page_token', code: 'FORMAT' })]);
  });

  it('takes a page token back as the cursor', () => {
    const after = { submittedAt: '2025-11-27T10:15:00.123456Z', operationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60' };
    expect(listCriteriaOf(intakeV1.ListOperationsRequest.fromPartial({ pageToken: encodeCursor(after) })).after).toEqual(after);
  });

  it('refuses UNSPECIFIED as a status', () => {
    expect(refusal({ statuses: [OperationStatus.OPERATION_STATUS_UNSPECIFIED] }).fieldErrors).toEqual([expect.objectContaining({ field: 'statuses' })]);
  });

  it('refuses an empty time window', () => {
    const at = new Date('2025-11-27T10:00:00Z');
    expect(refusal({ submittedAfter: at, submittedBefore: at }).fieldErrors).toEqual([expect.objectContaining({ field: 'submitted_before' })]);
  });

  it('reports every problem at once', () => {
    expect(refusal({ pageSize: 501, pageToken: '!' }).fieldErrors.map((issue) => issue.field)).toEqual(['page_size', 'page_token']);
  });
});

describe('timestampToDate', () => {
  const at = new Date('2025-11-27T10:15:00.123Z');

  it('takes a Date, and the { seconds, nanos } the gRPC server decodes a Timestamp into', () => {
    expect(timestampToDate(at)).toEqual(at);
    expect(timestampToDate({ seconds: String(Math.floor(at.getTime() / 1000)), nanos: 123_456_789 })).toEqual(at);
    expect(timestampToDate({ seconds: Math.floor(at.getTime() / 1000), nanos: 123_000_000 })).toEqual(at);
  });

  it('reads absent (undefined or null) as no bound', () => {
    expect(timestampToDate(undefined)).toBeUndefined();
    expect(timestampToDate(null)).toBeUndefined();
  });

  it('refuses what is no time', () => {
    expect(timestampToDate({ seconds: 'soon', nanos: 0 })).toBeNull();
    expect(timestampToDate('2025-11-27')).toBeNull();
    expect(timestampToDate(new Date(Number.NaN))).toBeNull();
  });

  it('lets listCriteriaOf take a decoded Timestamp', () => {
    const decoded = { ...intakeV1.ListOperationsRequest.fromPartial({}), submittedAfter: { seconds: '1764238500', nanos: 0 } as unknown as Date, submittedBefore: null as unknown as undefined };
    expect(listCriteriaOf(decoded)).toMatchObject({ submittedAfter: new Date('2025-11-27T10:15:00Z'), submittedBefore: undefined });
  });
});

describe('listCondition', () => {
  const none: ListCriteria = listCriteriaOf(intakeV1.ListOperationsRequest.fromPartial({}));

  it('matches everything without filters', () => {
    expect(listCondition(none, [])).toEqual({ where: 'TRUE', parameters: {} });
  });

  it('combines every filter, as parameters only', () => {
    const criteria: ListCriteria = {
      statuses: ['COMPLETED', 'FAILED'],
      operationType: 'balance.deposit',
      serverId: 'mt5-demo-1',
      submittedBy: 'agent',
      submittedAfter: new Date('2025-11-01T00:00:00Z'),
      submittedBefore: new Date('2025-12-01T00:00:00Z'),
      pageSize: 3,
      after: { submittedAt: '2025-11-27T10:15:00.123456Z', operationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60' },
    };
    const condition = listCondition(criteria, ['symbol.set_swaps']);
    expect(condition.where).toBe(
      [
      'operation.status IN (:...statuses)',
      'operation.operation_type = :operationType',
      'operation.operation_type NOT IN (:...hiddenTypes)',
      'EXISTS (SELECT 1 FROM operation_items item WHERE item.operation_id = operation.operation_id AND item.server_id = :serverId)',
      'operation.submitted_by_username = :submittedBy',
      'operation.created_at >= :submittedAfter',
      'operation.created_at < :submittedBefore',
      '(operation.created_at, operation.operation_id) < (CAST(:afterSubmittedAt AS timestamptz), CAST(:afterOperationId AS uuid))',
      ].join(' AND '),
    );
    expect(condition.parameters).toEqual({
      statuses: ['COMPLETED', 'FAILED'],
      operationType: 'balance.deposit',
      hiddenTypes: ['symbol.set_swaps'],
      serverId: 'mt5-demo-1',
      submittedBy: 'agent',
      submittedAfter: criteria.submittedAfter,
      submittedBefore: criteria.submittedBefore,
      afterSubmittedAt: '2025-11-27T10:15:00.123456Z',
      afterOperationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60',
    });
  });

  it('leaves out hidden operation types in the query', () => {
    expect(listCondition(none, ['symbol.set_swaps', 'group.set_symbols'])).toEqual({
      where: 'operation.operation_type NOT IN (:...hiddenTypes)',
      parameters: { hiddenTypes: ['symbol.set_swaps', 'group.set_symbols'] },
    });
  });
});
