import { integerFlag, parseArguments } from './cli-arguments';
import { ExitCode, UsageError } from './exit-codes';

const syntax = { usage: 'submit <type>', flags: { server: 'string', set: 'list', 'skip-invalid': 'boolean' }, positionals: ['type'] } as const;

describe('parseArguments', () => {
  it('reads flags with separate or inline values, repeated lists, booleans and positionals', () => {
    expect(parseArguments(['balance.deposit', '--server', 'mt5-demo-1', '--set', 'login=1', '--set=amount=5', '--skip-invalid', '--json'], syntax)).toEqual({
      flags: { server: 'mt5-demo-1', set: ['login=1', 'amount=5'], 'skip-invalid': true, json: true },
      positionals: ['balance.deposit'],
    });
  });

  it('takes the global address flags everywhere', () => {
    expect(parseArguments(['t', '--intake', '127.0.0.1:1', '--keycloak=http://k'], syntax).flags).toEqual({ intake: '127.0.0.1:1', keycloak: 'http://k' });
  });

  it.each([
    [['t', '--bogus'], 'unknown option --bogus'],
    [['t', '--server'], '--server needs a value'],
    [['t', '--server', '--json'], '--server needs a value'],
    [['t', '--json=1'], '--json takes no value'],
    [['t', '--server', 'a', '--server', 'b'], '--server given twice'],
    [[], 'missing arguments (expected <type>)'],
    [['a', 'b'], 'too many arguments'],
    [['t', '--constructor', 'x'], 'unknown option --constructor'],
  ])('refuses %p as a usage error', (args, message) => {
    let caught: unknown;
    try {
      parseArguments(args, syntax);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((caught as UsageError).message).toContain(message);
    expect((caught as UsageError).message).toContain('usage: tradewarden submit <type>');
  });
});

describe('integerFlag', () => {
  it('reads whole numbers within bounds', () => {
    expect(integerFlag('limit', '20', { min: 1 })).toBe(20);
    expect(integerFlag('limit', undefined)).toBeUndefined();
    expect(() => integerFlag('limit', '0', { min: 1 })).toThrow('--limit: "0" is not a whole number from 1');
    expect(() => integerFlag('limit', '2.5')).toThrow(UsageError);
  });
});
