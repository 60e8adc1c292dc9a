import type { EntityManager } from 'typeorm';
import { sumByCurrency, type AuthorizationClient, type Money } from '@tradewarden/authorization-client';
import type { commonV1 } from '@tradewarden/proto';
import type { ItemOutcome } from '../catalogue/operation-planner';
import type { Issue } from '../catalogue/operation-type';

type AuthorizedItem = { serverId: string; group?: string; amount?: Money };

/**
 * What identity checks of one planned item: its server, the MT group it touches, the money it moves. An account moved
 * to another group is checked in both: a grant on real* groups must neither move accounts out of them nor into them.
 */
export function authorizedItemsOf(item: ItemOutcome): AuthorizedItem[] {
  const change = item.planned?.change;
  const group = item.planned?.before['group'] ?? change?.groupUpdate?.group ?? change?.accountCreate?.set['group'] ?? item.accountGroup;
  const checked: AuthorizedItem = {
    serverId: item.spec.serverId,
    ...(group ? { group } : {}),
    ...(item.moneyMoved ? { amount: { amount: item.moneyMoved.money.amount.replace(/^-/, ''), currency: item.moneyMoved.money.currency } } : {}),
  };
  const movedTo = change?.accountUpdate?.set['group'];
  return movedTo && movedTo !== group ? [checked, { serverId: item.spec.serverId, group: movedTo }] : [checked];
}

/**
 * Serializes one submitter's submissions of one type until the caller's transaction ends: what they submitted today is
 * then read and checked one submission after the other, never twice against the same total.
 */
export async function lockSubmitterDay(manager: EntityManager, actor: commonV1.Actor, operationType: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tradewarden.intake.submitter-day:${actor.subject}:${operationType}`]);
}

/**
 * Money the submitter already asked to move today (UTC) in operations of this type that may still run or ran: the
 * items not skipped and not refused by the server. Identity's per-user daily limits add the new operation to this.
 */
export async function submittedToday(manager: EntityManager, actor: commonV1.Actor, operationType: string): Promise<Money[]> {
  const rows = (await manager.query(
    `SELECT i.change->'balance'->>'currency' AS currency, sum(abs((i.change->'balance'->>'amount')::numeric))::text AS amount
       FROM operations o JOIN operation_items i ON i.operation_id = o.operation_id
      WHERE o.submitted_by = $1 AND o.operation_type = $2
        AND o.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        AND o.status NOT IN ('INVALID', 'REJECTED', 'EXPIRED', 'CANCELLED')
        AND i.status NOT IN ('SKIPPED', 'FAILED', 'REJECTED', 'DRIFTED')
        AND i.change ? 'balance'
      GROUP BY 1 ORDER BY 1`,
    [actor.subject, operationType],
  )) as { currency: string; amount: string }[];
  return rows.map((row) => ({ currency: row.currency, amount: row.amount }));
}

/**
 * The submit permission item by item, with the group and amount of each (scopes and limits of the caller's grants),
 * through identity's AuthorizeBatch. Items that are not planned (invalid) are not asked about. Returns one issue per
 * denied item, naming the permission or the limit, and the decision id.
 */
export async function deniedItems(
  authorization: AuthorizationClient,
  actor: commonV1.Actor,
  operationType: string,
  items: readonly ItemOutcome[],
  totals: { operation?: readonly Money[]; today: readonly Money[] },
): Promise<{ denied: Map<number, Issue>; decisionId: string; policyVersion: string }> {
  const checked: AuthorizedItem[] = [];
  const rowOf: number[] = [];
  for (const item of items) {
    if (!item.planned || item.errors.length > 0) continue;
    for (const part of authorizedItemsOf(item)) {
      checked.push(part);
      rowOf.push(item.rowNumber);
    }
  }
  if (checked.length === 0) return { denied: new Map(), decisionId: '', policyVersion: '' };
  const result = await authorization.authorizeBatch(actor, {
    action: 'submit',
    operationType,
    items: checked,
    operationTotals: totals.operation ?? sumByCurrency(checked),
    submittedToday: totals.today,
  });
  const denied = new Map<number, Issue>();
  result.decisions.forEach((decision, index) => {
    const rowNumber = rowOf[index]!;
    if (!decision.allowed && !denied.has(rowNumber)) denied.set(rowNumber, { field: `items[${rowNumber - 1}]`, code: 'PERMISSION_DENIED', message: decision.reason });
  });
  return { denied, decisionId: result.decisionId, policyVersion: result.policyVersion };
}
