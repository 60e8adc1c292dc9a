import { DecimalAmount, DecimalFormatError } from './decimal-amount';

describe('DecimalAmount', () => {
  it.each([
    ['100', 2, '100.00'],
    ['100.5', 2, '100.50'],
    ['-0.01', 2, '-0.01'],
    ['12.340', 2, '12.34'],
    ['0', 0, '0'],
  ])('parses %s at scale %d as %s', (text, scale, expected) => {
    expect(DecimalAmount.parse(text, scale).toString()).toBe(expected);
  });

  it.each([['1.005'], ['abc'], ['1e5'], [''], [' 1'], ['1,000.00'], ['.5'], ['0x10']])('refuses %p at scale 2', (text) => {
    expect(() => DecimalAmount.parse(text, 2)).toThrow(DecimalFormatError);
  });

  it('names the digit limit when rounding would be needed', () => {
    expect(() => DecimalAmount.parse('1.005', 2)).toThrow('more than 2 digits after the point');
  });

  it('adds and subtracts exactly where floats would not', () => {
    const sum = DecimalAmount.parse('0.1', 2).plus(DecimalAmount.parse('0.2', 2));
    expect(sum.toString()).toBe('0.30');
    expect(sum.minus(DecimalAmount.parse('0.3', 2)).isZero()).toBe(true);
  });

  it('compares across scales', () => {
    expect(DecimalAmount.parse('1.5', 1).compare(DecimalAmount.parse('1.50', 2))).toBe(0);
    expect(DecimalAmount.parse('2', 0).compare(DecimalAmount.parse('1.99', 2))).toBe(1);
  });

  it('rescales up exactly and refuses to drop digits', () => {
    expect(DecimalAmount.parse('1.5', 1).rescale(3).toString()).toBe('1.500');
    expect(() => DecimalAmount.parse('1.55', 2).rescale(1)).toThrow(DecimalFormatError);
  });
});

describe('DecimalAmount.format', () => {
  it('shows the currency digits when exact, and every digit otherwise', () => {
    expect(DecimalAmount.parse('12.5', 8).format(2)).toBe('12.50');
    expect(DecimalAmount.parse('12.505', 8).format(2)).toBe('12.50500000');
  });
});
