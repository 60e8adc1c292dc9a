import { readBackView } from './read-back-view';

describe('readBackView', () => {
  it('keeps the planned form of a number read back unchanged', () => {
    expect(readBackView({ balance: '1100.00', credit: '0.00' }, { balance: '1100', credit: '0' })).toEqual({ balance: '1100.00', credit: '0.00' });
  });

  it('shows a number that differs as read back', () => {
    expect(readBackView({ balance: '1100.00' }, { balance: '1099.5' })).toEqual({ balance: '1099.5' });
  });

  it('shows text and fields the plan did not have as read back', () => {
    expect(readBackView({ group: 'real\\usd', leverage: '100' }, { group: 'real\\eur', leverage: '100', comment: 'x' })).toEqual({ group: 'real\\eur', leverage: '100', comment: 'x' });
  });
});
