import { operationV1 } from '@tradewarden/proto';
import type { OperationItemRow } from '../persistence/operation-item.entity';
import type { OperationRow } from '../persistence/operation.entity';
import { itemCountsOf, toOperationView } from './operation-view';

// Built by assertion: only the columns the view reads matter, and the entity keeps gaining others.
const operationRow = (overrides: Partial<OperationRow> = {}): OperationRow =>
  ({
    operationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60',
    clientRequestId: 'crm-1',
    requestHash: 'hash',
    submittedBy: 'subject-1',
    submittedByUsername: 'agent',
    operationType: 'balance.deposit',
    status: 'EXECUTING',
    planDigest: 'digest',
    decisionId: 'decision-1',
    traceparent: null,
    options: null,
    template: null,
    statusReason: null,
    createdAt: new Date('2025-11-27T10:00:00Z'),
    updatedAt: new Date('2025-11-27T10:01:00Z'),
    ...overrides,
  }) as OperationRow;

const itemRow = (rowNumber: number, status: OperationItemRow['status']): OperationItemRow =>
  ({
    itemId: `item-${rowNumber}`,
    operationId: '0b7c2a1e-3f4d-4c5b-9a8e-1d2c3b4a5f60',
    rowNumber,
    serverId: 'mt5-demo-1',
    spec: { serverId: 'mt5-demo-1', balanceDeposit: { login: '500001', amount: { amount: '1.00', currency: 'USD' }, comment: '' } },
    change: {},
    revert: null,
    warnings: [],
    before: {},
    after: {},
    status,
    mtReference: null,
    errorCode: null,
    errorMessage: null,
  }) as unknown as OperationItemRow;

describe('itemCountsOf', () => {
  it('adds up the per-state totals the database counted', () => {
    expect(
      itemCountsOf([
        { status: 'APPLIED', count: 99_000 },
        { status: 'PENDING', count: 900 },
        { status: 'DRIFTED', count: 60 },
        { status: 'SKIPPED', count: 40 },
      ]),
    ).toEqual({ total: 100_000, pending: 900, applied: 99_000, failed: 0, drifted: 60, rejected: 0, skipped: 40 });
  });

  it('is all zeros without items', () => {
    expect(itemCountsOf([])).toEqual({ total: 0, pending: 0, applied: 0, failed: 0, drifted: 0, rejected: 0, skipped: 0 });
  });
});

describe('toOperationView', () => {
  it('counts over all items when given their totals, whatever the page shows', () => {
    const page = [itemRow(1, 'APPLIED'), itemRow(2, 'APPLIED')];
    const view = toOperationView(operationRow(), page, [
      { status: 'APPLIED', count: 1500 },
      { status: 'PENDING', count: 500 },
    ]);
    expect(view.items.map((item) => item.rowNumber)).toEqual([1, 2]);
    expect(view.counts).toMatchObject({ total: 2000, applied: 1500, pending: 500 });
  });

  it('counts the items given when they are all the items', () => {
    expect(toOperationView(operationRow(), [itemRow(1, 'APPLIED'), itemRow(2, 'FAILED')]).counts).toMatchObject({ total: 2, applied: 1, failed: 1 });
  });

  it('shows options, template and the reason the operation stopped, and leaves them empty when not set', () => {
    const view = toOperationView(
      operationRow({ status: 'CANCELLED', options: { stopOnError: true, maxFailures: 3 }, template: 'payouts@2', statusReason: 'customer withdrew the request' }),
      [],
      [],
    );
    expect(view).toMatchObject({
      status: operationV1.OperationStatus.OPERATION_STATUS_CANCELLED,
      options: { skipInvalid: false, stopOnError: true, maxFailures: 3, canaryServerId: '', canaryItems: 0 },
      template: 'payouts@2',
      statusReason: 'customer withdrew the request',
      items: [],
    });
    expect(toOperationView(operationRow(), [], [])).toMatchObject({ options: undefined, template: '', statusReason: '' });
  });
});
