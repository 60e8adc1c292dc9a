import { decideFault, NO_FAULTS, parseFaultSettings } from './faults';

describe('decideFault', () => {
  const settings = { ...NO_FAULTS, dropRate: 0.1, stallRate: 0.1, errorRate: 0.1, lostAnswerRate: 0.1 };

  it.each([
    [0.05, 'drop'],
    [0.15, 'stall'],
    [0.25, 'error'],
    [0.35, 'lose-answer'],
    [0.45, 'none'],
  ])('roll %d -> %s', (roll, decision) => {
    expect(decideFault(settings, '/api/trade/balance', () => roll)).toBe(decision);
  });

  it('spares paths outside the filter', () => {
    expect(decideFault({ ...settings, paths: ['/api/trade/balance'] }, '/api/user/get', () => 0)).toBe('none');
  });

  it('does nothing by default', () => {
    expect(decideFault(NO_FAULTS, '/api/trade/balance', () => 0)).toBe('none');
  });
});

describe('parseFaultSettings', () => {
  it('merges partial settings', () => {
    expect(parseFaultSettings({ lostAnswerRate: 0.2 }, NO_FAULTS)).toMatchObject({ lostAnswerRate: 0.2, dropRate: 0 });
  });

  it.each([
    [{ dropRate: 2 }, 'dropRate must be a number from 0 to 1'],
    [{ dropRate: 0.6, stallRate: 0.6 }, 'must not exceed 1'],
    [{ latencyMs: { base: -1, jitter: 0 } }, 'latencyMs'],
    [{ paths: ['trade'] }, 'paths'],
    ['x', 'JSON object'],
  ])('refuses %p', (input, message) => {
    expect(() => parseFaultSettings(input, NO_FAULTS)).toThrow(message);
  });
});
