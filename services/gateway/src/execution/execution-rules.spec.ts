import { afterUnconfirmedAttempt, executionToken, orderingKey } from './execution-rules';

describe('executionToken', () => {
  it('fits the 31-character MT comment and is stable per item', () => {
    const token = executionToken('0b3c2a9e-4f1d-4c8a-9e2b-7d6f5a4b3c21');
    expect(token).toBe('TW-0b3c2a9e4f1d4c8a9e2b7d6f5a4b');
    expect(token).toHaveLength(31);
  });

  it('refuses something that is not a UUID', () => {
    expect(() => executionToken('item-1')).toThrow('not a UUID');
  });
});

describe('orderingKey', () => {
  it('keys balance, account, position and order changes by account, configuration changes by what they configure', () => {
    expect(orderingKey({ balance: { login: '500001', dealType: 1, amount: '5', currency: 'USD' } })).toBe('500001');
    expect(orderingKey({ accountUpdate: { login: '500002', set: { leverage: '200' } } })).toBe('500002');
    expect(orderingKey({ positionUpdate: { login: '500003', position: '7000001', set: {}, throughDealer: false } })).toBe('500003');
    expect(orderingKey({ orderUpdate: { login: '500003', order: '8000001', set: {} } })).toBe('500003');
    expect(orderingKey({ groupUpdate: { group: 'real\\pro\\usd', set: {} } })).toBe('group:real\\pro\\usd');
    expect(orderingKey({ symbolUpdate: { symbol: 'EURUSD', set: {} } })).toBe('symbol:EURUSD');
    expect(orderingKey({ passwordReset: { login: '500004', kind: 1 } })).toBe('500004');
    expect(orderingKey({ accountCreate: { login: '', set: { group: 'real' } } })).toBeUndefined();
    expect(orderingKey({ accountCreate: { login: '512345', set: { group: 'real' } } })).toBe('512345');
    expect(orderingKey(undefined)).toBeUndefined();
  });
});

describe('afterUnconfirmedAttempt', () => {
  it('treats a token found in the deal history as applied, whatever the attempt count', () => {
    expect(afterUnconfirmedAttempt(true, 9, 5)).toEqual({ kind: 'applied' });
  });

  it('retries with a growing delay while attempts remain', () => {
    const first = afterUnconfirmedAttempt(false, 1, 5);
    const third = afterUnconfirmedAttempt(false, 3, 5);
    expect(first.kind).toBe('retry');
    expect(third.kind).toBe('retry');
    if (first.kind === 'retry' && third.kind === 'retry') {
      expect(first.delayMs).toBeLessThanOrEqual(500);
      expect(third.delayMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('gives up after the last attempt', () => {
    expect(afterUnconfirmedAttempt(false, 5, 5)).toEqual({ kind: 'give-up' });
  });
});
