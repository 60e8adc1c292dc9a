import { splitBatch, sumByCurrency } from './batch-parts';

describe('splitBatch', () => {
  const items = Array.from({ length: 10 }, (_, index) => ({ serverId: `s${index}`, group: 'real', amount: { amount: '1.00', currency: 'USD' } }));

  it('keeps a small batch whole and in order', () => {
    expect(splitBatch(items)).toEqual([items]);
  });

  it('splits by size and by count, keeping the order', () => {
    const bySize = splitBatch(items, 3 * 30);
    expect(bySize.every((part) => part.length === 3 || part === bySize[bySize.length - 1])).toBe(true);
    expect(bySize.flat()).toEqual(items);
    expect(splitBatch(items, 1_000_000, 4).map((part) => part.length)).toEqual([4, 4, 2]);
  });

  it('answers one empty part for no items, so that identity still decides (and versions) the batch', () => {
    expect(splitBatch([])).toEqual([[]]);
  });

  it('fits 100,000 realistic items in parts under 4 MB', () => {
    const many = Array.from({ length: 100_000 }, (_, index) => ({ serverId: 'mt5-live-eu-01', group: 'real\\retail\\usd', amount: { amount: `${index}.25`, currency: 'USD' } }));
    const parts = splitBatch(many);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat().length).toBe(100_000);
  });
});

describe('sumByCurrency', () => {
  it('adds exactly per currency, by magnitude, skipping items without money', () => {
    expect(sumByCurrency([{ serverId: 'a', amount: { amount: '0.1', currency: 'USD' } }, { serverId: 'a', amount: { amount: '0.2', currency: 'USD' } }, { serverId: 'b' }, { serverId: 'c', amount: { amount: '-5', currency: 'EUR' } }])).toEqual([
      { currency: 'EUR', amount: '5' },
      { currency: 'USD', amount: '0.3' },
    ]);
  });
});
