import { extractServerOption, parseFaultOptions } from './simulator-command';

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

describe('extractServerOption', () => {
  it('takes --server out wherever it stands', () => {
    expect(extractServerOption(['--error-rate', '0.5', '--server', 'mt5-demo-2', '--paths', '/api/user/add'])).toEqual({
      server: 'mt5-demo-2',
      rest: ['--error-rate', '0.5', '--paths', '/api/user/add'],
    });
    expect(extractServerOption(['--server', 'mt4-demo-1'])).toEqual({ server: 'mt4-demo-1', rest: [] });
  });

  it('leaves the arguments alone without it', () => {
    expect(extractServerOption(['--reset'])).toEqual({ rest: ['--reset'] });
  });

  it.each([[['--server']], [['--server', '--reset']]])('refuses %p', (args) => {
    expect(() => extractServerOption(args)).toThrow('--server needs a server id');
  });
});
