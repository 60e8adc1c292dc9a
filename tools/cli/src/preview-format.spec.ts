import { intakeV1 } from '@tradewarden/proto';
import { formatValidation } from './preview-format';

describe('formatValidation', () => {
  it('shows each item before -> after with its problems, then totals and the verdict', () => {
    const response = intakeV1.ValidateOperationResponse.fromPartial({
      valid: false,
      items: [
        { rowNumber: 1, spec: { serverId: 'mt5-demo-1' }, before: { login: '500001', balance: '1000.00' }, after: { login: '500001', balance: '1250.50' } },
        {
          rowNumber: 2,
          spec: { serverId: 'mt5-demo-1' },
          before: { login: '500002', balance: '10.00' },
          after: {},
          errors: [{ field: 'items[1].balance_withdrawal.amount', code: 'INSUFFICIENT_BALANCE', message: 'only 10.00' }],
          warnings: [{ field: 'items[1]', code: 'LARGE', message: 'big' }],
        },
      ],
      totals: { items: 2, validItems: 1, accounts: 2, servers: 1, moneyIn: [{ amount: '250.50', currency: 'USD' }] },
    });
    expect(formatValidation(response, 3).split('\n')).toEqual([
      'row 1  mt5-demo-1  login 500001',
      '    balance: 1000.00 -> 1250.50',
      'row 2  mt5-demo-1  login 500002  REFUSED',
      '    error INSUFFICIENT_BALANCE items[1].balance_withdrawal.amount: only 10.00',
      '    warning LARGE items[1]: big',
      '... 3 more valid items not shown (--json shows every item)',
      'totals: 2 items, 1 valid; 2 accounts/groups/symbols on 1 server',
      '        money in 250.50 USD; money out -',
      'refused: 1 item with errors',
    ]);
  });
});
