import { catalogueV1 } from '@tradewarden/proto';
import { csvLayoutOf, OPERATION_TYPES } from './operation-csv-layouts';
import { parseOperationCsv, type OperationCsvOptions, type ParsedCsvRow } from './operation-csv-parser';

async function parse(text: string | Buffer | (string | Buffer)[], type = 'balance.deposit', options?: OperationCsvOptions): Promise<ParsedCsvRow[]> {
  const chunks = Array.isArray(text) ? text : [text];
  const rows: ParsedCsvRow[] = [];
  for await (const row of parseOperationCsv(chunks, type, options)) rows.push(row);
  return rows;
}

const codes = (rows: ParsedCsvRow[]) => rows.flatMap((row) => row.errors.map((error) => `${row.row}:${error.field}:${error.code}`));
const DEPOSIT_HEADER = 'server_id,login,amount,currency,comment\n';

describe('parseOperationCsv: the column table', () => {
  it('knows the 20 types of the catalogue, each with server_id first', () => {
    expect(OPERATION_TYPES).toHaveLength(20);
    for (const type of OPERATION_TYPES) expect(csvLayoutOf(type)?.columns[0]?.name).toBe('server_id');
  });

  it('reads a deposit into the balance_deposit params', async () => {
    const [row] = await parse(`${DEPOSIT_HEADER}mt5-demo-1,500001,250.50,USD,bonus\n`);
    expect(row).toEqual({
      row: 1,
      line: 2,
      errors: [],
      spec: expect.objectContaining({ serverId: 'mt5-demo-1', balanceDeposit: { login: '500001', amount: { amount: '250.50', currency: 'USD' }, comment: 'bonus' } }),
    });
  });

  it.each(['balance.withdrawal', 'balance.credit_in', 'balance.credit_out'])('reads %s into its own oneof field', async (type) => {
    const [row] = await parse(`${DEPOSIT_HEADER}mt5-demo-1,500001,5,USD,\n`, type);
    const field = type.replace('.', '_').replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());
    expect(row?.spec).toMatchObject({ [field]: { login: '500001', amount: { amount: '5', currency: 'USD' }, comment: '' } });
  });

  it('leaves optional fields that are empty undefined, not ""', async () => {
    const [row] = await parse('server_id,login,first_name,last_name,email\nmt5-demo-1,500001,Ada,,\n', 'account.update_profile');
    expect(row?.spec?.accountUpdateProfile).toEqual({ login: '500001', firstName: 'Ada', lastName: undefined, email: undefined, phone: undefined, country: undefined, city: undefined, comment: undefined });
  });

  it('reads account.create with integers and a missing optional login', async () => {
    const [row] = await parse('server_id,group,first_name,leverage,country\nmt5-demo-1,real\\retail\\usd,Ada,100,GB\n', 'account.create');
    expect(row?.spec?.accountCreate).toMatchObject({ login: '', group: 'real\\retail\\usd', firstName: 'Ada', leverage: 100, country: 'GB' });
  });

  it('reads password kinds, booleans and int64 flags', async () => {
    const [reset] = await parse('server_id,login,kind\nmt5-demo-1,500001,investor\n', 'account.reset_password');
    expect(reset?.spec?.accountResetPassword).toEqual({ login: '500001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR });
    const [trading] = await parse('server_id,login,trading_enabled\nmt5-demo-1,500001,false\n', 'account.set_trading');
    expect(trading?.spec?.accountSetTrading).toEqual({ login: '500001', tradingEnabled: false });
    const [flags] = await parse('server_id,group,permissions_flags\nmt5-demo-1,real\\pro\\usd,9223372036854775807\n', 'group.set_permissions');
    expect(flags?.spec?.groupSetPermissions).toEqual({ group: 'real\\pro\\usd', permissionsFlags: '9223372036854775807', tradeFlags: undefined });
  });

  it('splits list cells on ";"', async () => {
    const [row] = await parse('server_id,group,add,remove\nmt5-demo-1,demo\\standard,Crypto\\*;Metals\\XAUUSD,\n', 'group.set_symbols');
    expect(row?.spec?.groupSetSymbols).toEqual({ group: 'demo\\standard', add: ['Crypto\\*', 'Metals\\XAUUSD'], remove: [] });
  });

  it('takes quoted session strings with ";" and "," in them', async () => {
    const sessions = ';0-1440;0-600,660-1440;0-1440;0-1440;0-1440;';
    const [row] = await parse(`server_id,symbol,trades\nmt5-demo-1,EURUSD,"${sessions}"\n`, 'symbol.set_sessions');
    expect(row?.spec?.symbolSetSessions).toEqual({ symbol: 'EURUSD', quotes: '', trades: sessions });
  });

  it('reads the remaining types', async () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['account.set_leverage', 'server_id,login,leverage\nmt5-demo-1,500001,200\n', { accountSetLeverage: { login: '500001', leverage: 200 } }],
      ['account.change_group', 'server_id,login,group\nmt5-demo-1,500001,real\\pro\\usd\n', { accountChangeGroup: { login: '500001', group: 'real\\pro\\usd' } }],
      ['group.set_margin_levels', 'server_id,group,margin_call,margin_stop_out,margin_so_mode\nmt5-demo-1,g,100,50,0\n', { groupSetMarginLevels: { group: 'g', marginCall: '100', marginStopOut: '50', marginSoMode: 0 } }],
      ['symbol.set_execution', 'server_id,symbol,trade_mode\nmt5-demo-1,EURUSD,4\n', { symbolSetExecution: { symbol: 'EURUSD', execMode: undefined, tradeMode: 4 } }],
      ['symbol.set_spread', 'server_id,symbol,spread\nmt5-demo-1,EURUSD,0\n', { symbolSetSpread: { symbol: 'EURUSD', spread: 0 } }],
      ['symbol.set_swaps', 'server_id,symbol,swap_long,swap_short\nmt5-demo-1,EURUSD,-1.25,\n', { symbolSetSwaps: { symbol: 'EURUSD', swapLong: '-1.25', swapShort: undefined, swapMode: undefined, tripleSwapDay: undefined } }],
      ['position.modify_stops', 'server_id,login,position,price_sl,through_dealer\nmt5-demo-1,500001,42,1.05,true\n', { positionModifyStops: { login: '500001', position: '42', priceSl: '1.05', priceTp: undefined, throughDealer: true } }],
      ['position.correct_price', 'server_id,login,position,price_open\nmt5-demo-1,500001,42,1.0812\n', { positionCorrectPrice: { login: '500001', position: '42', priceOpen: '1.0812' } }],
      ['order.modify_stops', 'server_id,login,order,price_sl,price_tp\nmt5-demo-1,600012,8000042,,2300.5\n', { orderModifyStops: { login: '600012', order: '8000042', priceSl: undefined, priceTp: '2300.5' } }],
    ];
    for (const [type, text, expected] of cases) {
      const [row] = await parse(text, type);
      expect({ type, errors: row?.errors, spec: row?.spec }).toEqual({ type, errors: [], spec: expect.objectContaining(expected) });
    }
  });
});

describe('parseOperationCsv: the header', () => {
  it('refuses an unknown operation type', async () => {
    expect(codes(await parse(DEPOSIT_HEADER, 'balance.steal'))).toEqual(['0:operation_type:UNKNOWN_OPERATION_TYPE']);
  });

  it('names missing, unknown and duplicated columns once, then stops', async () => {
    const rows = await parse('server_id,login,login,amonut,comment\nmt5-demo-1,1,1,1,x\n');
    expect(codes(rows)).toEqual(['0:login:DUPLICATE_COLUMN', '0:amonut:UNKNOWN_COLUMN', '0:amount,currency:MISSING_COLUMN']);
    expect(rows[0]?.errors[2]?.message).toContain('"amount", "currency"');
  });

  it('accepts a UTF-8 BOM, even split across chunks', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(codes(await parse([bom.subarray(0, 1), Buffer.concat([bom.subarray(1), Buffer.from(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,\n`)])]))).toEqual([]);
  });

  it('reports an empty file', async () => {
    expect(codes(await parse(''))).toEqual(['0::EMPTY_FILE']);
    expect(codes(await parse('\n\r\n'))).toEqual(['0::EMPTY_FILE']);
  });
});

describe('parseOperationCsv: records', () => {
  it('keeps commas, doubled quotes and newlines inside quoted cells', async () => {
    const [row] = await parse(`${DEPOSIT_HEADER}mt5-demo-1,500001,5,USD,"a, ""b""\nc"\nmt5-demo-1,500002,5,USD,\n`);
    expect(row?.spec?.balanceDeposit?.comment).toBe('a, "b"\nc');
  });

  it('reads CRLF, LF, CR and mixed line endings alike, and ignores empty lines', async () => {
    const lines = ['server_id,login,amount,currency', 'mt5-demo-1,1,5,USD', 'mt5-demo-1,2,5,USD', 'mt5-demo-1,3,5,USD'];
    const expected = await parse(lines.join('\n'), 'balance.deposit');
    expect(expected.map((row) => row.row)).toEqual([1, 2, 3]);
    const strip = (rows: ParsedCsvRow[]) => rows.map(({ row, spec, errors }) => ({ row, spec, errors }));
    for (const text of [lines.join('\r\n') + '\r\n', `${lines[0]}\r\n\r\n${lines[1]}\n\n${lines[2]}\r${lines[3]}\n`]) {
      expect(strip(await parse(text))).toEqual(strip(expected));
    }
  });

  it('numbers rows without the empty lines and reports the physical line', async () => {
    const rows = await parse(`${DEPOSIT_HEADER}\nmt5-demo-1,1,5,USD,\n\nmt5-demo-1,2,x,USD,\n`);
    expect(rows.map((row) => [row.row, row.line])).toEqual([
      [1, 3],
      [2, 5],
    ]);
    expect(rows[1]?.errors[0]?.message).toBe('row 2, column amount: "x" is not a decimal number (digits with an optional "." fraction)');
  });

  it('refuses rows with too many or too few cells', async () => {
    expect(codes(await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,a,b\nmt5-demo-1,1,5\n`))).toEqual(['1::TOO_MANY_CELLS', '2::TOO_FEW_CELLS']);
  });

  it('names the row and column of bytes that are not UTF-8, and goes on', async () => {
    const rows = await parse([Buffer.from(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,caf`), Buffer.from([0xe9]), Buffer.from('\nmt5-demo-1,2,5,USD,café\n')]);
    expect(codes(rows)).toEqual(['1:comment:INVALID_UTF8']);
    expect(rows[1]?.spec?.balanceDeposit?.comment).toBe('café');
  });

  it('refuses a row longer than the limit without keeping it, then goes on', async () => {
    const rows = await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,"${'x'.repeat(200)}"\nmt5-demo-1,2,5,USD,\n`, 'balance.deposit', { maxRowBytes: 100 });
    expect(codes(rows)).toEqual(['1::ROW_TOO_LONG']);
    expect(rows[1]?.spec).toBeDefined();
  });

  it('refuses a 64 KiB row by default', async () => {
    expect(codes(await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,${'x'.repeat(64 * 1024)}\n`))).toEqual(['1::ROW_TOO_LONG']);
  });

  it('stops at the file size limit with an error', async () => {
    const rows = await parse([DEPOSIT_HEADER, 'mt5-demo-1,1,5,USD,\n', 'mt5-demo-1,2,5,USD,\n'.repeat(10)], 'balance.deposit', { maxFileBytes: 80 });
    expect(codes(rows)).toEqual(['2::FILE_TOO_LARGE']);
  });

  it('stops after the row limit with an error', async () => {
    const rows = await parse(`${DEPOSIT_HEADER}${[1, 2, 3].map((login) => `mt5-demo-1,${login},5,USD,\n`).join('')}`, 'balance.deposit', { maxRows: 2 });
    expect(codes(rows)).toEqual(['3::TOO_MANY_ROWS']);
  });

  it('reports unterminated and misplaced quotes', async () => {
    expect(codes(await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,U"SD,\nmt5-demo-1,2,5,"USD"x,\n`))).toEqual(['1:currency:INVALID_QUOTE', '2:currency:INVALID_QUOTE']);
    expect(codes(await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,"open\n`))).toEqual(['1:comment:UNTERMINATED_QUOTE']);
  });

  it('flags a repeated row, naming the first', async () => {
    const rows = await parse(`${DEPOSIT_HEADER}mt5-demo-1,1,5,USD,\nmt5-demo-1,2,5,USD,\n"mt5-demo-1",1,5,USD,\n`);
    expect(codes(rows)).toEqual(['3::DUPLICATE_ROW']);
    expect(rows[2]?.errors[0]?.message).toBe('row 3 repeats row 1');
  });
});

describe('parseOperationCsv: values', () => {
  it.each([
    ['account.set_leverage', 'server_id,login,leverage\nmt5-demo-1,1,1.5\n', '1:leverage:NOT_AN_INTEGER'],
    ['account.set_leverage', 'server_id,login,leverage\nmt5-demo-1,1, 100\n', '1:leverage:NOT_AN_INTEGER'],
    ['account.set_leverage', 'server_id,login,leverage\nmt5-demo-1,1,2147483648\n', '1:leverage:OUT_OF_RANGE'],
    ['account.set_leverage', 'server_id,login,leverage\nmt5-demo-1,1,\n', '1:leverage:EMPTY_VALUE'],
    ['group.set_permissions', 'server_id,group,trade_flags\nmt5-demo-1,g,9223372036854775808\n', '1:trade_flags:OUT_OF_RANGE'],
    ['account.set_trading', 'server_id,login,trading_enabled\nmt5-demo-1,1,yes\n', '1:trading_enabled:NOT_A_BOOLEAN'],
    ['account.set_trading', 'server_id,login,trading_enabled\nmt5-demo-1,1,\n', '1:trading_enabled:EMPTY_VALUE'],
    ['account.reset_password', 'server_id,login,kind\nmt5-demo-1,1,master\n', '1:kind:UNKNOWN_PASSWORD_KIND'],
    ['group.set_symbols', 'server_id,group,add\nmt5-demo-1,g,Forex\\*;\n', '1:add:EMPTY_LIST_ENTRY'],
    ['balance.deposit', 'server_id,login,amount,currency\nmt5-demo-1,1,1e3,USD\n', '1:amount:NOT_A_DECIMAL'],
    ['symbol.set_swaps', 'server_id,symbol,swap_long\nmt5-demo-1,EURUSD,NaN\n', '1:swap_long:NOT_A_DECIMAL'],
  ])('%s: %j -> %s', async (type, text, expected) => {
    const rows = await parse(text, type);
    expect(codes(rows)).toEqual([expected]);
    expect(rows[0]?.spec).toBeUndefined();
  });

  it('gives an absent optional bool column its default', async () => {
    const [row] = await parse('server_id,login,position,price_tp,through_dealer\nmt5-demo-1,1,42,1.2,\n', 'position.modify_stops');
    expect(row?.spec?.positionModifyStops).toMatchObject({ priceTp: '1.2', throughDealer: false });
  });
});
