import { intakeV1 } from '@tradewarden/proto';
import { canonicalRollout, DEFAULT_ROLLOUT, nextRolloutStep, parseCanonicalRollout, rolloutOptionsOf, scheduledFor, type RolloutOptions, type RolloutProgress } from './rollout';

const progress = (overrides: Partial<RolloutProgress>): RolloutProgress => ({ inFlight: 0, undispatched: 10, canaryUndispatched: 0, failed: 0, ...overrides });
const options = (overrides: Partial<RolloutOptions>): RolloutOptions => ({ ...DEFAULT_ROLLOUT, ...overrides });

describe('rollout options', () => {
  it('refuses negative limits and a canary chosen twice', () => {
    const { issues } = rolloutOptionsOf(intakeV1.BatchOptions.fromPartial({ maxFailures: -1, canaryItems: 5, canaryServerId: 'mt5-demo-1' }));
    expect(issues.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['options.max_failures:RANGE', 'options.canary_items:CONFLICT']);
  });

  it('binds nothing extra for the defaults and round-trips the rest', () => {
    expect(canonicalRollout(DEFAULT_ROLLOUT)).toBe('');
    const chosen = options({ stopOnError: true, canaryItems: 10 });
    expect(parseCanonicalRollout(canonicalRollout(chosen))).toEqual(chosen);
  });
});

describe('scheduled execution', () => {
  const now = new Date('2026-11-27T10:00:00Z');

  it('takes a time in the future, at most 90 days ahead', () => {
    const at = new Date('2026-11-27T22:00:00Z');
    expect(rolloutOptionsOf(intakeV1.BatchOptions.fromPartial({ notBefore: at }), now)).toMatchObject({ rollout: { notBefore: '2026-11-27T22:00:00.000Z' }, issues: [] });
    const codes = (notBefore: Date) => rolloutOptionsOf(intakeV1.BatchOptions.fromPartial({ notBefore }), now).issues.map((issue) => `${issue.field}:${issue.code}`);
    expect(codes(now)).toEqual(['options.not_before:RANGE']);
    expect(codes(new Date('2026-11-27T09:00:00Z'))).toEqual(['options.not_before:RANGE']);
    expect(codes(new Date('2027-02-25T10:00:00Z'))).toEqual([]);
    expect(codes(new Date('2027-02-25T10:00:01Z'))).toEqual(['options.not_before:RANGE']);
  });

  it('binds the time into the options approvals see, and leaves unscheduled options as they were', () => {
    const scheduled = options({ notBefore: '2026-11-27T22:00:00.000Z' });
    expect(canonicalRollout(scheduled)).toBe('{"canaryItems":0,"canaryServerId":"","maxFailures":0,"notBefore":"2026-11-27T22:00:00.000Z","stopOnError":false}');
    expect(parseCanonicalRollout(canonicalRollout(scheduled))).toEqual(scheduled);
    expect(canonicalRollout(options({ stopOnError: true }))).toBe('{"canaryItems":0,"canaryServerId":"","maxFailures":0,"stopOnError":true}');
  });

  it('waits until the time, then goes', () => {
    const scheduled = options({ notBefore: '2026-11-27T22:00:00.000Z' });
    expect(scheduledFor(scheduled, now)).toEqual(new Date('2026-11-27T22:00:00Z'));
    expect(scheduledFor(scheduled, new Date('2026-11-27T22:00:00Z'))).toBeUndefined();
    expect(scheduledFor(DEFAULT_ROLLOUT, now)).toBeUndefined();
  });
});

describe('nextRolloutStep', () => {
  it('sends everything at once without options, then finishes', () => {
    expect(nextRolloutStep(DEFAULT_ROLLOUT, progress({}))).toEqual({ kind: 'dispatch', select: 'all' });
    expect(nextRolloutStep(DEFAULT_ROLLOUT, progress({ inFlight: 10, undispatched: 0 }))).toEqual({ kind: 'wait' });
    expect(nextRolloutStep(DEFAULT_ROLLOUT, progress({ undispatched: 0, failed: 3 }))).toEqual({ kind: 'finished' });
  });

  it('sends waves while failures can stop the rest, and waits for each wave', () => {
    expect(nextRolloutStep(options({ stopOnError: true }), progress({}))).toEqual({ kind: 'dispatch', select: 'wave' });
    expect(nextRolloutStep(options({ maxFailures: 5 }), progress({ failed: 5 }))).toEqual({ kind: 'dispatch', select: 'wave' });
    expect(nextRolloutStep(options({ stopOnError: true }), progress({ inFlight: 3 }))).toEqual({ kind: 'wait' });
  });

  it('halts at the first failure with stop_on_error, and past max_failures', () => {
    expect(nextRolloutStep(options({ stopOnError: true }), progress({ failed: 1 })).kind).toBe('halt');
    expect(nextRolloutStep(options({ maxFailures: 5 }), progress({ failed: 6 }))).toMatchObject({ kind: 'halt', reason: expect.stringContaining('max_failures 5') });
  });

  it('runs the canary first and the rest at once when it had no failure', () => {
    const canary = options({ canaryServerId: 'mt5-demo-1' });
    expect(nextRolloutStep(canary, progress({ canaryUndispatched: 4 }))).toEqual({ kind: 'dispatch', select: 'canary' });
    expect(nextRolloutStep(canary, progress({ canaryUndispatched: 0 }))).toEqual({ kind: 'dispatch', select: 'all' });
    expect(nextRolloutStep(canary, progress({ failed: 1 }))).toMatchObject({ kind: 'halt', reason: expect.stringContaining('canary') });
    expect(nextRolloutStep(options({ canaryItems: 10, maxFailures: 2 }), progress({ failed: 2 }))).toEqual({ kind: 'dispatch', select: 'wave' });
  });

  it('finishes a halted operation only when nothing is in flight', () => {
    expect(nextRolloutStep(options({ stopOnError: true }), progress({ inFlight: 2, failed: 1 }))).toEqual({ kind: 'wait' });
  });
});
