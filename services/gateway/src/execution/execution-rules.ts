/**
 * Pure rules of executing one approved item; the executor applies them. Kept free of I/O so every branch has a test.
 */

/** MT deal comments hold 31 characters: "TW-" and 28 hex digits of the item id (112 bits) identify the item. */
export function executionToken(itemId: string): string {
  const hex = itemId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`item id ${itemId} is not a UUID`);
  return `TW-${hex.slice(0, 28)}`;
}

/**
 * Fields of the before-state the approver saw that must still hold: if any differs now, the item is not applied.
 * Moving figures (balance, margin) are shown to the approver but change with trading, so they are not compared.
 */
export const DRIFT_FIELDS: Record<string, readonly string[]> = {
  'balance.deposit': ['login', 'group', 'currency'],
};

export function driftedFields(operationType: string, approved: Record<string, string>, live: Record<string, string>): string[] {
  const fields = DRIFT_FIELDS[operationType];
  if (!fields) throw new Error(`no drift rule for operation type ${operationType}`);
  return fields.filter((field) => approved[field] !== undefined && approved[field] !== live[field]);
}

export type AfterUnconfirmedAttempt =
  | { kind: 'applied' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'give-up' };

/**
 * After an attempt whose outcome is unknown (timeout, dropped connection, crash): the server's deal history decides.
 * Found: it was applied, never send again. Not found: it was not applied, so retrying cannot double it.
 */
export function afterUnconfirmedAttempt(foundInHistory: boolean, attempts: number, maxAttempts: number): AfterUnconfirmedAttempt {
  if (foundInHistory) return { kind: 'applied' };
  if (attempts >= maxAttempts) return { kind: 'give-up' };
  const base = Math.min(30000, 500 * 2 ** (attempts - 1));
  return { kind: 'retry', delayMs: Math.round(base / 2 + Math.random() * (base / 2)) };
}
