import type { EntityManager } from 'typeorm';
import type { ItemOutcome } from '../domain/operation-status';
import { OperationItemRow } from './operation-item.entity';

export interface ItemStatusTotal {
  status: ItemOutcome;
  count: number;
}

/**
 * How many items of each operation are in each state, counted by the database over all items (an operation can hold
 * 100,000 of them, so they are never loaded to be counted). Operations without items are absent from the map.
 */
export async function itemStatusTotals(manager: EntityManager, operationIds: readonly string[]): Promise<Map<string, ItemStatusTotal[]>> {
  const totals = new Map<string, ItemStatusTotal[]>();
  if (operationIds.length === 0) return totals;
  const rows = await manager
    .getRepository(OperationItemRow)
    .createQueryBuilder('item')
    .select('item.operation_id', 'operationId')
    .addSelect('item.status', 'status')
    .addSelect('count(*)::int', 'count')
    .where('item.operation_id IN (:...operationIds)', { operationIds })
    .groupBy('item.operation_id')
    .addGroupBy('item.status')
    .getRawMany<{ operationId: string; status: ItemOutcome; count: number }>();
  for (const row of rows) totals.set(row.operationId, [...(totals.get(row.operationId) ?? []), { status: row.status, count: row.count }]);
  return totals;
}
