import { csvLayoutOf } from '@tradewarden/operation-csv';
import { catalogueV1 } from '@tradewarden/proto';
import { UsageError } from './exit-codes';
import { InputRefusedError, operationInput, specFromSetFlags, specsFromJson } from './operation-input';

const deposit = csvLayoutOf('balance.deposit')!;

describe('--set', () => {
  it('builds one item from the CSV columns of the type', () => {
    expect(specFromSetFlags(deposit, 'mt5-demo-1', ['login=500001', 'amount=250.50', 'currency=USD', 'comment=a=b'])).toMatchObject({
      serverId: 'mt5-demo-1',
      balanceDeposit: { login: '500001', amount: { amount: '250.50', currency: 'USD' }, comment: 'a=b' },
    });
  });

  it('refuses unknown fields as usage errors and bad values per field', () => {
    expect(() => specFromSetFlags(deposit, 's', ['amonut=5'])).toThrow(UsageError);
    expect(() => specFromSetFlags(deposit, 's', ['login'])).toThrow('expected field=value');
    expect(() => specFromSetFlags(deposit, 's', ['amount=5', 'amount=6'])).toThrow('given twice');
    expect(() => specFromSetFlags(deposit, 's', ['amount=five'])).toThrow(InputRefusedError);
  });

  it('needs exactly one input and --server with --set', () => {
    expect(() => operationInput('balance.deposit', { set: ['login=1'] })).toThrow('--set needs --server');
    expect(() => operationInput('balance.deposit', {})).toThrow('give the items one way');
    expect(() => operationInput('balance.deposit', { set: ['login=1'], csv: 'x.csv' })).toThrow('(not --set and --csv)');
    expect(() => operationInput('balance.steal', { server: 's', set: ['login=1'] })).toThrow('unknown operation type "balance.steal"');
  });
});

describe('--file items.json', () => {
  it('takes flat items and API-shaped items, with --server as the default server', () => {
    const specs = specsFromJson(
      csvLayoutOf('account.reset_password')!,
      JSON.stringify({ items: [{ login: '500001', kind: 'main' }, { server_id: 'mt5-demo-2', account_reset_password: { login: 510001, kind: 'PASSWORD_KIND_INVESTOR' } }] }),
      'mt5-demo-1',
    );
    expect(specs).toEqual([
      expect.objectContaining({ serverId: 'mt5-demo-1', accountResetPassword: { login: '500001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_MAIN } }),
      expect.objectContaining({ serverId: 'mt5-demo-2', accountResetPassword: { login: '510001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR } }),
    ]);
  });

  it('takes Money objects, lists and numbers', () => {
    const [money] = specsFromJson(deposit, JSON.stringify([{ server_id: 's', login: '1', amount: { amount: '5.00', currency: 'EUR' } }]), undefined);
    expect(money?.balanceDeposit?.amount).toEqual({ amount: '5.00', currency: 'EUR' });
    const [symbols] = specsFromJson(csvLayoutOf('group.set_symbols')!, JSON.stringify([{ server_id: 's', group: 'g', add: ['Forex\\*', 'Metals\\*'] }]), undefined);
    expect(symbols?.groupSetSymbols).toEqual({ group: 'g', add: ['Forex\\*', 'Metals\\*'], remove: [] });
  });

  it('refuses every bad item by its row, and malformed documents as usage errors', () => {
    let refused: InputRefusedError | undefined;
    try {
      specsFromJson(deposit, JSON.stringify([{ server_id: 's', login: '1', amount: '5', currency: 'USD' }, { login: '2' }, { server_id: 's', login: '3', bonus: 1 }]), undefined);
    } catch (error) {
      refused = error as InputRefusedError;
    }
    expect(refused?.rows.map((row) => [row.row, row.errors[0]?.code])).toEqual([
      [2, 'REQUIRED'],
      [3, 'UNKNOWN_FIELD'],
    ]);
    expect(() => specsFromJson(deposit, '{', undefined)).toThrow(UsageError);
    expect(() => specsFromJson(deposit, '{"rows":[]}', undefined)).toThrow('expected a JSON array');
  });
});
