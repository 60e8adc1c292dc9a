import type { intakeV1 } from '@tradewarden/proto';

/** How an operation's items are sent to the gateway (BatchOptions without skip_invalid, which is about validation). */
export interface RolloutOptions {
  stopOnError: boolean;
  maxFailures: number;
  canaryServerId: string;
  canaryItems: number;
  /** Not sent before this time (ISO 8601, UTC); "" to run once approved. */
  notBefore: string;
}

export const DEFAULT_ROLLOUT: RolloutOptions = { stopOnError: false, maxFailures: 0, canaryServerId: '', canaryItems: 0, notBefore: '' };

/** How far ahead an operation may be scheduled. */
export const MAX_SCHEDULE_DAYS = 90;

/** Items sent at once when failures must be able to stop the rest. */
export const WAVE_SIZE = 100;

export interface OptionIssue {
  field: string;
  code: string;
  message: string;
}

export function rolloutOptionsOf(options: intakeV1.BatchOptions | undefined, now = new Date()): { rollout: RolloutOptions; skipInvalid: boolean; issues: OptionIssue[] } {
  const issues: OptionIssue[] = [];
  if (!options) return { rollout: DEFAULT_ROLLOUT, skipInvalid: false, issues };
  if (options.maxFailures < 0) issues.push({ field: 'options.max_failures', code: 'RANGE', message: 'must be 0 (no limit) or more' });
  if (options.canaryItems < 0) issues.push({ field: 'options.canary_items', code: 'RANGE', message: 'must be 0 (none) or more' });
  if (options.canaryServerId && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(options.canaryServerId)) {
    issues.push({ field: 'options.canary_server_id', code: 'FORMAT', message: 'must be a server registry id' });
  }
  if (options.canaryServerId && options.canaryItems > 0) {
    issues.push({ field: 'options.canary_items', code: 'CONFLICT', message: 'choose a canary server or a number of first items, not both' });
  }
  const notBefore = options.notBefore;
  if (notBefore && Number.isNaN(notBefore.getTime())) issues.push({ field: 'options.not_before', code: 'FORMAT', message: 'must be a time' });
  else if (notBefore && notBefore.getTime() <= now.getTime()) issues.push({ field: 'options.not_before', code: 'RANGE', message: 'must be in the future (leave it out to run once approved)' });
  else if (notBefore && notBefore.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000) {
    issues.push({ field: 'options.not_before', code: 'RANGE', message: `at most ${MAX_SCHEDULE_DAYS} days ahead` });
  }
  return {
    rollout: {
      stopOnError: options.stopOnError,
      maxFailures: Math.max(0, options.maxFailures),
      canaryServerId: options.canaryServerId,
      canaryItems: Math.max(0, options.canaryItems),
      notBefore: notBefore && !Number.isNaN(notBefore.getTime()) ? notBefore.toISOString() : '',
    },
    skipInvalid: options.skipInvalid,
    issues,
  };
}

export const hasCanary = (options: RolloutOptions) => options.canaryServerId !== '' || options.canaryItems > 0;

/**
 * The options as approvals bind them (approvers approve when and how it runs as well as what): "" for the defaults,
 * otherwise a canonical JSON text with sorted keys; notBefore only when set, so that the text of an operation without
 * a schedule is what it was before schedules existed.
 */
export function canonicalRollout(options: RolloutOptions): string {
  if (!options.stopOnError && options.maxFailures === 0 && !hasCanary(options) && !options.notBefore) return '';
  return JSON.stringify({
    canaryItems: options.canaryItems,
    canaryServerId: options.canaryServerId,
    maxFailures: options.maxFailures,
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
    stopOnError: options.stopOnError,
  });
}

/** Whether an approved operation must wait for its time: the time to wait for, or undefined to go now. */
export function scheduledFor(options: RolloutOptions, now: Date): Date | undefined {
  if (!options.notBefore) return undefined;
  const at = new Date(options.notBefore);
  return at.getTime() > now.getTime() ? at : undefined;
}

export function parseCanonicalRollout(text: string | null | undefined): RolloutOptions {
  if (!text) return DEFAULT_ROLLOUT;
  return { ...DEFAULT_ROLLOUT, ...(JSON.parse(text) as Partial<RolloutOptions>) };
}

export interface RolloutProgress {
  /** Items sent and not finished. */
  inFlight: number;
  /** Pending items not sent yet. */
  undispatched: number;
  /** Of those, the canary's. */
  canaryUndispatched: number;
  /** Items finished as failed, rejected or drifted. */
  failed: number;
}

export type RolloutStep =
  | { kind: 'wait' }
  | { kind: 'finished' }
  | { kind: 'halt'; reason: string }
  | { kind: 'dispatch'; select: 'canary' | 'wave' | 'all' };

/**
 * What to do next with an approved operation. Sent items are waited for before anything else is sent, so a failure
 * can stop what follows: with stop_on_error at the first failure, with max_failures once more than that many failed,
 * and after a canary stage when it failed more than max_failures (0: any). Without such options everything goes at once.
 */
export function nextRolloutStep(options: RolloutOptions, progress: RolloutProgress): RolloutStep {
  if (progress.inFlight > 0) return { kind: 'wait' };
  if (progress.undispatched === 0) return { kind: 'finished' };
  if (options.stopOnError && progress.failed > 0) return { kind: 'halt', reason: `stopped after ${progress.failed} failed item(s) (stop_on_error)` };
  if ((options.maxFailures > 0 || hasCanary(options)) && progress.failed > options.maxFailures) {
    return {
      kind: 'halt',
      reason: options.maxFailures > 0 ? `${progress.failed} items failed, more than max_failures ${options.maxFailures}` : `the canary stage had ${progress.failed} failed item(s)`,
    };
  }
  if (progress.canaryUndispatched > 0) return { kind: 'dispatch', select: 'canary' };
  if (options.stopOnError || options.maxFailures > 0) return { kind: 'dispatch', select: 'wave' };
  return { kind: 'dispatch', select: 'all' };
}
