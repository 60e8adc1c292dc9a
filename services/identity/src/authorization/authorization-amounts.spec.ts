import { DecimalAmount } from '@tradewarden/money';
import { InvalidMoneyError, moneyFacts, parseMoney, toCedarAmount, totalsByCurrency } from './authorization-amounts';

const decimal = (text: string) => DecimalAmount.parse(text, 18);

describe('toCedarAmount', () => {
  it.each([
    ['5000', '5000.0000'],
    ['5000.1', '5000.1000'],
    ['0.0001', '0.0001'],
    ['0.00001', '0.0001'],
    ['4999.99990001', '5000.0000'],
    ['1.23450000', '1.2345'],
    ['-12.34567', '12.3457'],
    ['0', '0.0000'],
  ])('%s compares as %s (magnitude, rounded up to 4 digits)', (amount, expected) => {
    expect(toCedarAmount(decimal(amount)).toString()).toBe(expected);
  });

  it("caps at Cedar's largest decimal", () => {
    expect(toCedarAmount(decimal('922337203685477.5807')).toString()).toBe('922337203685477.5807');
    expect(toCedarAmount(decimal('922337203685477.58071')).toString()).toBe('922337203685477.5807');
    expect(toCedarAmount(decimal('100000000000000000000')).toString()).toBe('922337203685477.5807');
  });
});

describe('moneyFacts', () => {
  it('counts the item as the operation when no total is given, and adds today', () => {
    const facts = moneyFacts({ currency: 'USD', amount: decimal('10.00') }, new Map(), new Map([['USD', decimal('5.5')]]));
    expect([facts.amount, facts.operationTotal, facts.dayTotal].map(String)).toEqual(['10.0000', '10.0000', '15.5000']);
  });

  it('never lets an operation total be smaller than the item or the items sent', () => {
    const facts = moneyFacts({ currency: 'USD', amount: decimal('10.00') }, new Map([['USD', decimal('3')]]), new Map(), decimal('12.00001'));
    expect(facts.operationTotal.toString()).toBe('12.0001');
  });
});

describe('parseMoney and totalsByCurrency', () => {
  it('refuses malformed money, naming the field', () => {
    expect(() => parseMoney({ amount: '1e5', currency: 'USD' }, 'items[3].amount')).toThrow(new InvalidMoneyError('items[3].amount.amount: "1e5" is not a decimal number (expected digits with an optional "." fraction)'));
    expect(() => parseMoney({ amount: '1', currency: 'usd' }, 'resource.amount')).toThrow('resource.amount.currency: "usd" is not an ISO 4217 code');
  });

  it('adds up a currency named twice, by magnitude', () => {
    const totals = totalsByCurrency([{ amount: '1.10', currency: 'USD' }, { amount: '-2', currency: 'USD' }, { amount: '3', currency: 'EUR' }], 'operation_totals');
    expect(Object.fromEntries([...totals].map(([currency, amount]) => [currency, amount.toString()]))).toEqual({ USD: '3.10', EUR: '3' });
  });
});
