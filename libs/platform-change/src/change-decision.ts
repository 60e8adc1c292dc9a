import { sameState } from './grant-state';

export type ChangeState = Readonly<Record<string, string>>;

/** What to do with one approved platform change, given the state found now under the item's lock. */
export type ChangeDecision = 'already-applied' | 'drifted' | 'apply';

/**
 * The applying services' one rule. A state that already is the requested one means the change was applied before (a
 * redelivery, or an earlier attempt whose result was lost), so nothing is written again; checked first, so that
 * applying twice never looks like drift. Otherwise the state must still be the one the approvers saw.
 */
export function decideChange(current: ChangeState, before: ChangeState, after: ChangeState): ChangeDecision {
  if (sameState(current, after)) return 'already-applied';
  if (!sameState(current, before)) return 'drifted';
  return 'apply';
}

export type PlatformChangeStatus = 'APPLIED' | 'DRIFTED' | 'FAILED';

/** One item's result, in ItemExecuted's vocabulary (status, before, after, error code and message). */
export interface PlatformChangeOutcome {
  status: PlatformChangeStatus;
  before: Record<string, string>;
  after: Record<string, string>;
  errorCode: string;
  errorMessage: string;
}

/** How a service reaches the thing one item changes (a grant, a policy), inside the transaction that reports it. */
export interface PlatformChangeSteps {
  /** The state now, in the form the plan's before/after use. */
  read(): Promise<Record<string, string>>;
  /** Makes the requested state. */
  write(): Promise<void>;
  /** Runs fn so that its writes are undone if it throws (a savepoint), leaving the surrounding transaction usable. */
  atomically<T>(fn: () => Promise<T>): Promise<T>;
  /** The store's refusal of a write (a constraint) as a message; undefined for errors that must fail the transaction. */
  refusal(error: unknown): string | undefined;
}

class VerificationMismatch extends Error {
  constructor(readonly readBack: Record<string, string>) {
    super('read-back differs from the requested state');
  }
}

const stateText = (state: ChangeState) =>
  Object.entries(state)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');

/**
 * Applies one approved change: decides against the current state, writes, and reads back. A write whose read-back is
 * not the requested state is undone, so FAILED always means nothing changed (and a later attempt starts from the
 * approved before-state again).
 */
export async function applyPlatformChange(item: { before: ChangeState; after: ChangeState }, steps: PlatformChangeSteps): Promise<PlatformChangeOutcome> {
  const current = await steps.read();
  switch (decideChange(current, item.before, item.after)) {
    case 'already-applied':
      return { status: 'APPLIED', before: { ...item.before }, after: current, errorCode: '', errorMessage: '' };
    case 'drifted':
      return { status: 'DRIFTED', before: current, after: {}, errorCode: 'BEFORE_STATE_DRIFTED', errorMessage: `the state is ${stateText(current)}, not the approved ${stateText(item.before)}` };
    case 'apply':
      break;
  }
  try {
    const readBack = await steps.atomically(async () => {
      await steps.write();
      const state = await steps.read();
      if (!sameState(state, item.after)) throw new VerificationMismatch(state);
      return state;
    });
    return { status: 'APPLIED', before: current, after: readBack, errorCode: '', errorMessage: '' };
  } catch (error) {
    if (error instanceof VerificationMismatch) {
      return { status: 'FAILED', before: current, after: {}, errorCode: 'VERIFICATION_MISMATCH', errorMessage: `read back ${stateText(error.readBack)}, not the requested ${stateText(item.after)}; undone` };
    }
    const refusal = steps.refusal(error);
    if (refusal === undefined) throw error;
    return { status: 'FAILED', before: current, after: {}, errorCode: 'REFUSED', errorMessage: refusal };
  }
}
