import { matchesGroupMask } from './group-mask';

describe('matchesGroupMask', () => {
  it.each([
    ['*', 'real\\retail\\usd', true],
    ['real\\*', 'real\\retail\\usd', true],
    ['real\\*', 'demo\\standard', false],
    ['real\\*,!real\\pro\\*', 'real\\pro\\usd', false],
    ['real\\*,!real\\pro\\*', 'real\\retail\\usd', true],
    ['demo\\*,real\\retail\\usd', 'real\\retail\\usd', true],
    ['!real\\*', 'demo\\standard', false],
    ['REAL\\RETAIL\\USD', 'real\\retail\\usd', true],
    ['real.retail', 'realXretail', false],
  ])('%s matches %s: %s', (mask, group, expected) => {
    expect(matchesGroupMask(mask, group)).toBe(expected);
  });
});
