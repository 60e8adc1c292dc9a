import type { intakeV1 } from '@tradewarden/proto';
import type { Issue } from '../catalogue/operation-type';
import { statusFromProto, type OperationStatus } from '../domain/operation-status';
import { IntakeError } from '../intake-errors';
import { decodeCursor, type OperationCursor } from './operation-cursor';

export const DEFAULT_LIST_PAGE = 50;
export const MAX_LIST_PAGE = 500;

/** A ListOperationsRequest, checked: empty strings mean "any". */
export interface ListCriteria {
  statuses: OperationStatus[];
  operationType: string;
  serverId: string;
  submittedBy: string;
  submittedAfter: Date | undefined;
  submittedBefore: Date | undefined;
  pageSize: number;
  after: OperationCursor | undefined;
}

/** Checks a request; every problem is reported at once, by field. */
export function listCriteriaOf(request: intakeV1.ListOperationsRequest): ListCriteria {
  const issues: Issue[] = [];
  const statuses: OperationStatus[] = [];
  for (const value of request.statuses) {
    const status = statusFromProto(value);
    if (status) statuses.push(status);
    else issues.push({ field: 'statuses', code: 'UNKNOWN_STATUS', message: `${value} is not an operation status` });
  }
  const pageSize = request.pageSize === 0 ? DEFAULT_LIST_PAGE : request.pageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIST_PAGE) {
    issues.push({ field: 'page_size', code: 'RANGE', message: `1-${MAX_LIST_PAGE} (0 = ${DEFAULT_LIST_PAGE})` });
  }
  const after = request.pageToken ? decodeCursor(request.pageToken) : undefined;
  if (request.pageToken && !after) issues.push({ field: 'page_token', code: 'FORMAT', message: 'use the next_page_token of the previous page' });
  const submittedAfter = timestampToDate(request.submittedAfter);
  const submittedBefore = timestampToDate(request.submittedBefore);
  if (submittedAfter === null) issues.push({ field: 'submitted_after', code: 'FORMAT', message: 'not a timestamp' });
  if (submittedBefore === null) issues.push({ field: 'submitted_before', code: 'FORMAT', message: 'not a timestamp' });
  if (submittedAfter && submittedBefore && submittedAfter >= submittedBefore) {
    issues.push({ field: 'submitted_before', code: 'RANGE', message: 'must be later than submitted_after' });
  }
  if (issues.length > 0) throw IntakeError.validation(issues);
  return {
    statuses: [...new Set(statuses)],
    operationType: request.operationType,
    serverId: request.serverId,
    submittedBy: request.submittedBy,
    submittedAfter: submittedAfter ?? undefined,
    submittedBefore: submittedBefore ?? undefined,
    pageSize,
    after,
  };
}

/**
 * A request Timestamp as a Date: undefined when absent, null when it is no time. The gRPC server decodes requests with
 * proto-loader, which gives { seconds, nanos } (seconds as a string) and null for an absent one, not the Date that
 * ts-proto's types promise; both shapes are taken.
 */
export function timestampToDate(value: unknown): Date | undefined | null {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'object' || !('seconds' in value)) return null;
  const { seconds, nanos } = value as { seconds: unknown; nanos?: unknown };
  const milliseconds = Number(seconds) * 1000 + Math.floor(Number(nanos ?? 0) / 1_000_000);
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A WHERE clause over `operations` aliased as "operation", with its named parameters. */
export interface SqlCondition {
  where: string;
  parameters: Record<string, unknown>;
}

/**
 * The SQL condition of a list page. Operation types the caller may not view are left out in the query itself, so that
 * a page is full whenever enough viewable operations exist. The time window is half-open, [after, before), so that
 * consecutive windows neither overlap nor leave a gap.
 */
export function listCondition(criteria: ListCriteria, hiddenTypes: readonly string[]): SqlCondition {
  const clauses: string[] = [];
  const parameters: Record<string, unknown> = {};
  if (criteria.statuses.length > 0) {
    clauses.push('operation.status IN (:...statuses)');
    parameters['statuses'] = criteria.statuses;
  }
  if (criteria.operationType) {
    clauses.push('operation.operation_type = :operationType');
    parameters['operationType'] = criteria.operationType;
  }
  if (hiddenTypes.length > 0) {
    clauses.push('operation.operation_type NOT IN (:...hiddenTypes)');
    parameters['hiddenTypes'] = [...hiddenTypes];
  }
  if (criteria.serverId) {
    clauses.push('EXISTS (SELECT 1 FROM operation_items item WHERE item.operation_id = operation.operation_id AND item.server_id = :serverId)');
    parameters['serverId'] = criteria.serverId;
  }
  if (criteria.submittedBy) {
    clauses.push('operation.submitted_by_username = :submittedBy');
    parameters['submittedBy'] = criteria.submittedBy;
  }
  if (criteria.submittedAfter) {
    clauses.push('operation.created_at >= :submittedAfter');
    parameters['submittedAfter'] = criteria.submittedAfter;
  }
  if (criteria.submittedBefore) {
    clauses.push('operation.created_at < :submittedBefore');
    parameters['submittedBefore'] = criteria.submittedBefore;
  }
  if (criteria.after) {
    // Newest first: the next page holds what sorts strictly after the cursor in (created_at, operation_id) DESC.
    clauses.push('(operation.created_at, operation.operation_id) < (CAST(:afterSubmittedAt AS timestamptz), CAST(:afterOperationId AS uuid))');
    parameters['afterSubmittedAt'] = criteria.after.submittedAt;
    parameters['afterOperationId'] = criteria.after.operationId;
  }
  return { where: clauses.length > 0 ? clauses.join(' AND ') : 'TRUE', parameters };
}
