import { approvalsCommand, delegationPatternFlag, delegationUntilFlag, pendingTypeFlag } from './approval-commands';
import { timeFlag } from './cli-arguments';
import type { CliEnvironment } from './cli-context';
import { ExitCode, UsageError } from './exit-codes';

const now = Date.parse('2026-03-01T12:00:00Z');

/** No platform behind it: every case below must be refused before a session is opened. */
const environment: CliEnvironment = {
  variables: {},
  runtime: undefined,
  now: () => now,
  output: {
    out: () => undefined,
    err: () => undefined,
    stdoutIsTty: false,
    stderrIsTty: false,
    stdinIsTty: false,
    confirm: () => Promise.resolve(false),
  },
};

async function usageError(args: readonly string[]): Promise<UsageError> {
  const caught = await approvalsCommand(environment, args).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(UsageError);
  expect((caught as UsageError).exitCode).toBe(ExitCode.Usage);
  return caught as UsageError;
}

describe('timeFlag', () => {
  it('reads ISO 8601 times with their zone', () => {
    expect(timeFlag('until', undefined)).toBeUndefined();
    expect(timeFlag('until', '2026-12-01T22:00:00Z')).toEqual(new Date('2026-12-01T22:00:00Z'));
    expect(timeFlag('until', '2026-12-01T23:00+01:00')).toEqual(new Date('2026-12-01T22:00:00Z'));
    expect(timeFlag('until', '2026-12-01T22:00:00.5-02:30')).toEqual(new Date('2026-12-02T00:30:00.500Z'));
    expect(timeFlag('until', '2028-02-29T00:00:00Z')).toEqual(new Date('2028-02-29T00:00:00Z'));
  });

  it.each(['tomorrow', '2026-12-01', '2026-12-01T22:00:00', '2026-02-30T10:00:00Z', '2026-04-31T00:00Z', '2026-01-01T24:00Z', '2026-01-01T10:60Z', '2026-01-01T10:00+24:00', '2026-13-01T10:00Z'])(
    'refuses %p naming the flag',
    (value) => {
      expect(() => timeFlag('until', value)).toThrow(new UsageError(`--until: "${value}" is not an ISO 8601 time with its zone, e.g. 2026-12-01T22:00:00Z`));
    },
  );
});

describe('approvals arguments', () => {
  it('takes one exact operation type for list', () => {
    expect(pendingTypeFlag(undefined)).toBe('');
    expect(pendingTypeFlag('balance.withdrawal')).toBe('balance.withdrawal');
    expect(pendingTypeFlag('order.modify_stops')).toBe('order.modify_stops');
    expect(() => pendingTypeFlag('balance.*')).toThrow('--type: "balance.*" is not an operation type');
    expect(() => pendingTypeFlag('balance')).toThrow(UsageError);
  });

  it('takes one type or glob to delegate, in the future', () => {
    expect(delegationPatternFlag('balance.*')).toBe('balance.*');
    expect(delegationPatternFlag('*')).toBe('*');
    expect(delegationPatternFlag('balance.withdrawal')).toBe('balance.withdrawal');
    expect(() => delegationPatternFlag(undefined)).toThrow('approvals delegate needs --types');
    expect(() => delegationPatternFlag('balance.*,account.*')).toThrow('--types: one operation type or glob per delegation');
    expect(() => delegationPatternFlag('Balance.*')).toThrow('--types: "Balance.*" is not an operation type or glob');
    expect(delegationUntilFlag('2026-03-08T12:00:00Z', now)).toEqual(new Date('2026-03-08T12:00:00Z'));
    expect(() => delegationUntilFlag(undefined, now)).toThrow('approvals delegate needs --until <time>');
    expect(() => delegationUntilFlag('2026-03-01T12:00:00Z', now)).toThrow('--until: 2026-03-01T12:00:00Z is not in the future');
  });

  it.each([
    [['delegate', 'agent2', '--types', 'balance.*', '--until', '2026-03-31', '--reason', 'holiday'], '--until: "2026-03-31" is not an ISO 8601 time'],
    [['delegate', 'agent2', '--types', 'balance.*', '--until', '2026-03-08T12:00:00Z'], 'approvals delegate needs --reason'],
    [['delegate', 'agent2', '--types', 'balance.*', '--until', '2026-03-08T12:00:00Z', '--reason', '  '], 'approvals delegate needs --reason'],
    [['delegate', 'agent2', '--until', '2026-03-08T12:00:00Z', '--reason', 'holiday'], 'approvals delegate needs --types'],
    [['delegate', '--types', 'balance.*', '--until', '2026-03-08T12:00:00Z', '--reason', 'holiday'], 'missing arguments (expected <username>)'],
    [['delegate', 'agent2', '--type', 'balance.*'], 'unknown option --type'],
    [['revoke'], 'missing arguments (expected <delegation-id>)'],
    [['delegations', 'extra'], 'too many arguments'],
    [['list', '--limit', '0'], '--limit: "0" is not a whole number from 1 to 10000'],
    [['list', '--type', 'balance.*'], '--type: "balance.*" is not an operation type'],
    [['show', 'op-1', '--items', 'all'], '--items: "all" is not a whole number from 0 to 100000'],
    [['approve', 'op-1', '--items', '-1', '--yes'], '--items: "-1" is not a whole number'],
    [['approve', 'op-1'], 'not a terminal: confirm the approve with --yes'],
    [['reject', 'op-1', '--yes'], 'approvals reject needs --reason'],
    [['delegate-all'], 'unknown approvals command "delegate-all"'],
  ])('refuses %p with exit 2: %s', async (args, message) => {
    expect((await usageError(args)).message).toContain(message);
  });
});
