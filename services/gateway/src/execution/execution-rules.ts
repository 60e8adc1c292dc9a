import type { operationV1 } from '@tradewarden/proto';

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
 * What an item changes, for ordering: items with the same key on a server run one at a time, in approval order.
 * Balance, account, position and order changes belong to their account; configuration changes to their group or symbol.
 */
export function orderingKey(change: operationV1.MtChange | undefined): string | undefined {
  if (change?.balance) return change.balance.login;
  if (change?.accountUpdate) return change.accountUpdate.login;
  if (change?.positionUpdate) return change.positionUpdate.login;
  if (change?.orderUpdate) return change.orderUpdate.login;
  if (change?.passwordReset) return change.passwordReset.login;
  // A new account on an allocated login shares nothing with other items: undefined lets it run on its own.
  if (change?.accountCreate) return change.accountCreate.login || undefined;
  if (change?.groupUpdate) return `group:${change.groupUpdate.group}`;
  if (change?.symbolUpdate) return `symbol:${change.symbolUpdate.symbol}`;
  return undefined;
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
