import type { SelectQueryBuilder } from 'typeorm';
import type { auditV1 } from '@tradewarden/proto';
import { AuditError } from '../audit-errors';
import type { AuditRecordRow } from '../recording/audit-record.entity';

const SEQUENCE = /^\d{1,19}$/;

/** The filters of ListRecords and ExportRecords, checked: every value is what its column holds. */
export interface RecordFilter {
  operationId?: string;
  actor?: string;
  serverId?: string;
  account?: string;
  eventType?: string;
  /** ITEM_STATUS_* as the details hold it. */
  itemStatus?: string;
  occurredFrom?: string;
  occurredTo?: string;
}

export function parseSequence(value: string, field: string): bigint | undefined {
  if (value === '') return undefined;
  if (!SEQUENCE.test(value)) throw new AuditError('INVALID_ARGUMENT', `${field} must be a sequence number (digits), not ${JSON.stringify(value)}`);
  return BigInt(value);
}

function validTime(value: Date | undefined, field: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new AuditError('INVALID_ARGUMENT', `${field} is not a valid time`);
  return time.toISOString();
}

export function recordFilterOf(request: auditV1.ListRecordsRequest): RecordFilter {
  if (request.account && !/^\d{1,20}$/.test(request.account)) throw new AuditError('INVALID_ARGUMENT', `account must be an MT account login (digits), not ${JSON.stringify(request.account)}`);
  if (request.result && !/^[A-Z_]{1,40}$/.test(request.result)) throw new AuditError('INVALID_ARGUMENT', `result must be an item status such as APPLIED, not ${JSON.stringify(request.result)}`);
  const filter: RecordFilter = {
    operationId: request.operationId || undefined,
    actor: request.actor || undefined,
    serverId: request.serverId || undefined,
    account: request.account || undefined,
    eventType: request.eventType || undefined,
    itemStatus: request.result ? `ITEM_STATUS_${request.result.replace(/^ITEM_STATUS_/, '')}` : undefined,
    occurredFrom: validTime(request.occurredFrom, 'occurred_from'),
    occurredTo: validTime(request.occurredTo, 'occurred_to'),
  };
  if (filter.occurredFrom && filter.occurredTo && filter.occurredFrom >= filter.occurredTo) throw new AuditError('INVALID_ARGUMENT', 'occurred_from must be before occurred_to');
  return filter;
}

/** Whether the filter selects every record of a range (an export of it can then prove that none is missing). */
export function selectsEverything(filter: RecordFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

/** The filter's values by their API names, as an export's header states them. */
export function describeFilter(filter: RecordFilter): Record<string, string> {
  const named: Record<string, string | undefined> = {
    operation_id: filter.operationId,
    actor: filter.actor,
    server_id: filter.serverId,
    account: filter.account,
    event_type: filter.eventType,
    result: filter.itemStatus?.replace(/^ITEM_STATUS_/, ''),
    occurred_from: filter.occurredFrom,
    occurred_to: filter.occurredTo,
  };
  return Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function applyRecordFilter(query: SelectQueryBuilder<AuditRecordRow>, filter: RecordFilter): SelectQueryBuilder<AuditRecordRow> {
  if (filter.operationId) query.andWhere('record.operation_id = :operationId', { operationId: filter.operationId });
  if (filter.actor) query.andWhere('(record.actor_username = :actor OR record.actor_subject = :actor)', { actor: filter.actor });
  if (filter.serverId) query.andWhere('record.server_id = :serverId', { serverId: filter.serverId });
  if (filter.account) query.andWhere('record.accounts @> ARRAY[:account]::text[]', { account: filter.account });
  if (filter.eventType) query.andWhere('record.event_type = :eventType', { eventType: filter.eventType });
  if (filter.itemStatus) query.andWhere("record.details->>'status' = :status", { status: filter.itemStatus });
  // occurred_at holds ISO 8601 text in one format, so text order is time order.
  if (filter.occurredFrom) query.andWhere('record.occurred_at >= :from', { from: filter.occurredFrom });
  if (filter.occurredTo) query.andWhere('record.occurred_at < :to', { to: filter.occurredTo });
  return query;
}
