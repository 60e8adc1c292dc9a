import { parseFaultOptions } from './simulator-command';

const current = { latencyMs: { base: 0, jitter: 0 } };

describe('parseFaultOptions', () => {
  it('maps options to fault settings', () => {
    expect(parseFaultOptions(['--lost-answer-rate', '0.1', '--latency-ms', '2', '--paths', '/api/trade/balance'], current)).toEqual({
      lostAnswerRate: 0.1,
      latencyMs: { base: 2, jitter: 0 },
      paths: ['/api/trade/balance'],
    });
  });

  it('resets', () => {
    expect(parseFaultOptions(['--reset'], current)).toEqual({ reset: true });
  });

  it.each([
    [['--drop-rate', '2'], '--drop-rate: a rate is from 0 to 1'],
    [['--latency-ms', '-1'], 'not a non-negative number'],
    [['--stall-rate'], '--stall-rate needs a value'],
    [['--explode', '1'], 'unknown option --explode'],
  ])('refuses %p', (args, message) => {
    expect(() => parseFaultOptions(args, current)).toThrow(message);
  });
});
