import { afterUnconfirmedAttempt, driftedFields, executionToken } from './execution-rules';

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

describe('driftedFields', () => {
  const approved = { login: '500001', group: 'real\\retail\\usd', currency: 'USD', balance: '1000.00' };

  it('ignores moving figures such as the balance', () => {
    expect(driftedFields('balance.deposit', approved, { ...approved, balance: '1500.00' })).toEqual([]);
  });

  it('reports a changed group', () => {
    expect(driftedFields('balance.deposit', approved, { ...approved, group: 'real\\pro\\usd' })).toEqual(['group']);
  });

  it('has a rule for every executable type', () => {
    expect(() => driftedFields('group.update', approved, approved)).toThrow('no drift rule');
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
