import { canonicalValue, CONTEXT_FIELDS, type RecordKind } from './vocabulary';

export type UpdateDecision =
  | { kind: 'apply' }
  /** An earlier attempt of this item already wrote every value (its answer was lost): do not write again. */
  | { kind: 'already-applied' }
  | { kind: 'drifted'; fields: string[] };

const same = (kind: RecordKind, field: string, a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonicalValue(kind, field, a) === canonicalValue(kind, field, b);
  } catch {
    return a === b;
  }
};

/**
 * Before writing a record update: the live record must be the one the approver saw. Each context field and each field
 * the change sets must hold its approved before-value (a set field without one cannot be checked, so it counts as
 * drifted). The one exception is a retry: an earlier attempt of this item may have written the values before its answer
 * was lost, so on a retry a field already at its new value is not drift; when all are, nothing is written again.
 */
export function decideUpdate(
  kind: RecordKind,
  set: Readonly<Record<string, string>>,
  approvedBefore: Readonly<Record<string, string>>,
  live: Readonly<Record<string, string>>,
  earlierAttempt: boolean,
): UpdateDecision {
  const drifted = CONTEXT_FIELDS[kind].filter((field) => !(field in set) && approvedBefore[field] !== undefined && !same(kind, field, approvedBefore[field], live[field]));
  let alreadyWritten = 0;
  for (const [field, target] of Object.entries(set)) {
    const before = approvedBefore[field];
    if (before !== undefined && same(kind, field, before, live[field])) continue;
    if (earlierAttempt && same(kind, field, target, live[field])) {
      alreadyWritten += 1;
      continue;
    }
    drifted.push(field);
  }
  if (drifted.length > 0) return { kind: 'drifted', fields: drifted };
  return earlierAttempt && alreadyWritten === Object.keys(set).length ? { kind: 'already-applied' } : { kind: 'apply' };
}

/** After writing: the fields whose read-back value is not the one set (the server ignored or altered them). */
export function unmetFields(kind: RecordKind, set: Readonly<Record<string, string>>, readBack: Readonly<Record<string, string>>): string[] {
  return Object.entries(set)
    .filter(([field, target]) => !same(kind, field, target, readBack[field]))
    .map(([field]) => field);
}

/** Balance changes: only the context (login, group, currency) must hold; the balance itself moves with trading. */
export function driftedContext(kind: RecordKind, approvedBefore: Readonly<Record<string, string>>, live: Readonly<Record<string, string>>): string[] {
  return CONTEXT_FIELDS[kind].filter((field) => approvedBefore[field] !== undefined && !same(kind, field, approvedBefore[field], live[field]));
}
