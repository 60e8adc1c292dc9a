import { intakeV1, operationV1 } from '@tradewarden/proto';
import { ValidationMerger } from './validation-merge';

const spec = (login: string) => operationV1.OperationItemSpec.fromPartial({ serverId: 'mt5-demo-1', balanceDeposit: { login, amount: { amount: '1', currency: 'USD' } } });
const response = (items: Partial<intakeV1.ItemPreview>[], moneyIn: { amount: string; currency: string }[]): intakeV1.ValidateOperationResponse =>
  intakeV1.ValidateOperationResponse.fromPartial({
    valid: items.every((item) => (item.errors ?? []).length === 0),
    items,
    totals: { items: items.length, validItems: items.filter((item) => (item.errors ?? []).length === 0).length, accounts: items.length, servers: 1, moneyIn },
  });

describe('ValidationMerger', () => {
  it('maps batch rows and items[i] paths back to the rows of the file and adds up totals', () => {
    const merger = new ValidationMerger();
    merger.add([spec('1'), spec('2')], [1, 2], response([{ rowNumber: 1 }, { rowNumber: 2 }], [{ amount: '100.50', currency: 'USD' }]));
    merger.addRefused(3, 'mt5-demo-1', [{ field: 'amount', code: 'NOT_A_DECIMAL', message: 'x' }]);
    merger.add(
      [spec('1'), spec('4')],
      [4, 5],
      response([{ rowNumber: 1 }, { rowNumber: 2, errors: [{ field: 'items[1].balance_deposit.login', code: 'ACCOUNT_NOT_FOUND', message: 'no' }] }], [{ amount: '1.25', currency: 'USD' }, { amount: '7', currency: 'EUR' }]),
    );
    const result = merger.result();
    expect(result.valid).toBe(false);
    expect(result.items.map((item) => item.rowNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(result.items[4]?.errors[0]?.field).toBe('items[4].balance_deposit.login');
    expect(result.totals).toEqual({
      items: 5,
      validItems: 3,
      // Login 1 appears in both batches: counted once.
      accounts: 3,
      servers: 1,
      moneyIn: [
        { currency: 'USD', amount: '101.75' },
        { currency: 'EUR', amount: '7' },
      ],
      moneyOut: [],
    });
  });

  it('keeps items with problems and only the first valid previews when asked to', () => {
    const merger = new ValidationMerger(1);
    merger.add([spec('1'), spec('2'), spec('3')], [1, 2, 3], response([{ rowNumber: 1 }, { rowNumber: 2 }, { rowNumber: 3, warnings: [{ field: 'f', code: 'W', message: 'w' }] }], []));
    expect(merger.result().items.map((item) => item.rowNumber)).toEqual([1, 3]);
    expect(merger.omitted).toBe(1);
    expect(merger.result().valid).toBe(true);
  });
});
