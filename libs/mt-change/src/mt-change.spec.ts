import { gatewayV1 } from '@tradewarden/proto';
import {
  accountChanges,
  accountSnapshot,
  canonicalChangeSet,
  canonicalDecimal,
  ChangeFieldError,
  decideUpdate,
  driftedContext,
  groupChanges,
  groupSnapshot,
  orderChanges,
  orderSnapshot,
  parseSessions,
  positionChanges,
  symbolChanges,
  unmetFields,
} from './index';

describe('canonical values', () => {
  it.each([
    ['7.50', '7.5'],
    ['+007.500', '7.5'],
    ['-0.00', '0'],
    ['-6.8', '-6.8'],
    ['100', '100'],
    ['0.10', '0.1'],
  ])('decimal %s -> %s', (input, expected) => expect(canonicalDecimal(input)).toBe(expected));

  it.each(['1e5', '', '1.2.3', 'abc', '1,5'])('refuses %p as a decimal', (input) => expect(() => canonicalDecimal(input, 'set.swap_long')).toThrow(/set\.swap_long/));

  it('parses seven days of sessions, Sunday first, and refuses anything else naming the field', () => {
    expect(parseSessions(';0-1440;0-1440;0-1440;0-1440;60-600,660-1440;')[5]).toEqual([
      { open: 60, close: 600 },
      { open: 660, close: 1440 },
    ]);
    expect(() => parseSessions('0-1440', 'set.sessions_trades')).toThrow(/set\.sessions_trades: seven days/);
    expect(() => parseSessions(';0-1500;;;;;', 'set.sessions_trades')).toThrow(/day 1/);
    expect(() => parseSessions(';600-60;;;;;')).toThrow(/open before close/);
  });
});

describe('change sets', () => {
  it('canonicalises known settable fields', () => {
    expect(canonicalChangeSet('group', { margin_call: '100.00', symbols: ' Forex\\*, Metals\\* ' })).toEqual({ margin_call: '100', symbols: 'Forex\\*,Metals\\*' });
  });

  it('refuses an empty set, unknown fields, read-only fields and bad values, naming the field', () => {
    expect(() => canonicalChangeSet('account', {})).toThrow(ChangeFieldError);
    expect(() => canonicalChangeSet('account', { levrage: '100' })).toThrow(/set\.levrage: not a field of account records/);
    expect(() => canonicalChangeSet('account', { balance: '100' })).toThrow(/set\.balance: is read-only/);
    expect(() => canonicalChangeSet('account', { leverage: '0' })).toThrow(/set\.leverage: must be 1-1000/);
    expect(() => canonicalChangeSet('account', { leverage: '1.5' })).toThrow(/set\.leverage: "1.5" is not a whole number/);
    expect(() => canonicalChangeSet('account', { enabled: 'yes' })).toThrow(/set\.enabled: must be "true" or "false"/);
    expect(() => canonicalChangeSet('account', { comment: 'x'.repeat(65) })).toThrow(/set\.comment: at most 64/);
    expect(() => canonicalChangeSet('symbol', { triple_swap_day: '7' })).toThrow(/set\.triple_swap_day: must be 0-6/);
  });

  it('converts to the typed changes connectors take', () => {
    expect(accountChanges({ leverage: '200', trading_enabled: 'false', email: 'a@b.example' })).toEqual({ leverage: 200, tradingEnabled: false, email: 'a@b.example' });
    expect(groupChanges({ margin_stop_out: '30.0', symbols: 'Forex\\*' })).toEqual({ marginStopOut: '30', symbols: ['Forex\\*'] });
    expect(symbolChanges({ swap_long: '-7.10', sessions_trades: ';0-1440;;;;;' })).toEqual({
      swapLong: '-7.1',
      sessionsTrades: [[], [{ open: 0, close: 1440 }], [], [], [], [], []],
    });
    expect(positionChanges({ price_sl: '1.08000' })).toEqual({ priceSl: '1.08' });
    expect(orderChanges({ price_tp: '2400.50', price_sl: '0.00' })).toEqual({ priceSl: '0', priceTp: '2400.5' });
  });

  it('sets only the stops of a pending order, never its price, type or volume', () => {
    expect(() => canonicalChangeSet('order', { price_order: '1.1' })).toThrow(/set\.price_order: is read-only on order records/);
    expect(() => canonicalChangeSet('order', { volume: '2' })).toThrow(/set\.volume: is read-only/);
    expect(() => canonicalChangeSet('order', { price_sl: 'x' })).toThrow(/set\.price_sl: "x" is not a decimal/);
  });
});

describe('snapshots', () => {
  it('flattens an account into the vocabulary', () => {
    const account = gatewayV1.Account.fromPartial({
      login: '500001',
      group: 'real\\retail\\usd',
      leverage: 100,
      balance: { amount: '1000.00', currency: 'USD' },
      credit: { amount: '0.00', currency: 'USD' },
      enabled: true,
      tradingEnabled: false,
    });
    expect(accountSnapshot(account)).toMatchObject({ login: '500001', currency: 'USD', balance: '1000', leverage: '100', enabled: 'true', trading_enabled: 'false' });
  });

  it('flattens a pending order into the vocabulary', () => {
    const order = gatewayV1.Order.fromPartial({ order: '8000001', login: '600001', symbol: 'EURUSD', type: 2, volume: '0.10', priceOrder: '1.08000', priceTrigger: '0', priceSl: '1.07500', priceTp: '0.00000' });
    expect(orderSnapshot(order)).toEqual({ order: '8000001', login: '600001', symbol: 'EURUSD', type: '2', volume: '0.1', price_order: '1.08', price_trigger: '0', price_sl: '1.075', price_tp: '0' });
  });

  it('keeps the order of group symbol paths', () => {
    expect(groupSnapshot(gatewayV1.Group.fromPartial({ group: 'g', marginCall: '100', marginStopOut: '50.00', symbols: ['Metals\\*', 'Forex\\*'] })).symbols).toBe('Metals\\*,Forex\\*');
  });
});

describe('drift and read-back', () => {
  const before = { login: '1', group: 'real', currency: 'USD', leverage: '100' };

  it('applies when every set field and the context are as approved', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, balance: '5' }, false)).toEqual({ kind: 'apply' });
  });

  it('reports a set field changed since approval', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, leverage: '300' }, false)).toEqual({ kind: 'drifted', fields: ['leverage'] });
  });

  it('reports a changed context field (the account moved group)', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, group: 'demo' }, false)).toEqual({ kind: 'drifted', fields: ['group'] });
  });

  it('does not treat a context field the change itself sets as context', () => {
    expect(decideUpdate('account', { group: 'demo' }, before, before, false)).toEqual({ kind: 'apply' });
  });

  it('on a first attempt, a field already at its new value is drift (someone else changed it)', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, leverage: '200' }, false)).toEqual({ kind: 'drifted', fields: ['leverage'] });
  });

  it('on a retry, all fields at their new values means an earlier attempt wrote them', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, leverage: '200' }, true)).toEqual({ kind: 'already-applied' });
  });

  it('on a retry, a field at neither value is still drift', () => {
    expect(decideUpdate('account', { leverage: '200' }, before, { ...before, leverage: '50' }, true)).toEqual({ kind: 'drifted', fields: ['leverage'] });
  });

  it('a set field without an approved before-value cannot be checked and counts as drifted', () => {
    expect(decideUpdate('account', { email: 'x@y.example' }, before, { ...before, email: '' }, false)).toEqual({ kind: 'drifted', fields: ['email'] });
  });

  it('reports a pending order moved since approval, since its stops were checked against its price', () => {
    const order = { order: '8000001', login: '600001', symbol: 'EURUSD', type: '2', price_order: '1.08', price_trigger: '0', price_sl: '1.07', price_tp: '0' };
    expect(decideUpdate('order', { price_sl: '1.075' }, order, { ...order, volume: '0.05' }, false)).toEqual({ kind: 'apply' });
    expect(decideUpdate('order', { price_sl: '1.075' }, order, { ...order, price_order: '1.09' }, false)).toEqual({ kind: 'drifted', fields: ['price_order'] });
    expect(decideUpdate('order', { price_sl: '1.075' }, order, { ...order, price_sl: '1.075' }, true)).toEqual({ kind: 'already-applied' });
  });

  it('compares values canonically', () => {
    expect(decideUpdate('group', { margin_call: '90' }, { group: 'g', margin_call: '100.00' }, { group: 'g', margin_call: '100' }, false)).toEqual({ kind: 'apply' });
  });

  it('lists fields the read-back does not show at their new value', () => {
    expect(unmetFields('account', { leverage: '200', email: 'a@b.example' }, { leverage: '100', email: 'a@b.example' })).toEqual(['leverage']);
    expect(unmetFields('symbol', { swap_long: '-7.1' }, { swap_long: '-7.10' })).toEqual([]);
  });

  it('checks only the context for balance changes', () => {
    expect(driftedContext('account', { login: '1', group: 'real', currency: 'USD', balance: '10' }, { login: '1', group: 'real', currency: 'USD', balance: '99' })).toEqual([]);
    expect(driftedContext('account', { login: '1', group: 'real', currency: 'USD' }, { login: '1', group: 'real', currency: 'EUR' })).toEqual(['currency']);
  });
});
