import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PermissionDeniedError } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { operationV1, type approvalV1, type commonV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { ApprovalAuthorityService, type ApprovalAuthority } from '../delegation/approval-authority';
import { ApprovalRequestRow } from './approval-request.entity';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;
const DEFAULT_PLAN_PAGE = 100;
const MAX_PLAN_PAGE = 1000;

interface PendingCursor {
  createdAt: string;
  operationId: string;
}

const encodeCursor = (row: ApprovalRequestRow) => Buffer.from(JSON.stringify({ createdAt: row.createdAt.toISOString(), operationId: row.operationId } satisfies PendingCursor)).toString('base64url');

function decodeCursor(token: string): PendingCursor | undefined {
  if (!token) return undefined;
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PendingCursor>;
    if (typeof cursor.createdAt === 'string' && !Number.isNaN(Date.parse(cursor.createdAt)) && typeof cursor.operationId === 'string' && /^[0-9a-f-]{36}$/i.test(cursor.operationId)) {
      return { createdAt: cursor.createdAt, operationId: cursor.operationId };
    }
  } catch {
    // Reported below as a bad token.
  }
  throw new ApprovalError('INVALID_ARGUMENT', 'page_token: use the next_page_token of the previous page');
}

/** What an approver sees of pending work: the requests they may decide, and a plan a page at a time. */
@Injectable()
export class PendingRequestsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authority: ApprovalAuthorityService,
  ) {}

  /**
   * Pending requests the caller may decide, oldest first: not their own submissions nor ones they approved already,
   * only where they hold the approve permission (or a delegation of it) on every server and a role the policy accepts.
   * Permission is asked once per operation type and server set met, and rows the caller may not decide are skipped by
   * reading on, so pages stay full.
   */
  async listPending(actor: commonV1.Actor, request: approvalV1.ListPendingRequest): Promise<{ rows: ApprovalRequestRow[]; nextPageToken: string }> {
    const pageSize = request.pageSize || DEFAULT_PAGE;
    if (pageSize < 1 || pageSize > MAX_PAGE) throw new ApprovalError('INVALID_ARGUMENT', `page_size: 1-${MAX_PAGE}`);
    let cursor = decodeCursor(request.pageToken);
    const authorities = new Map<string, Promise<ApprovalAuthority | undefined>>();
    const now = new Date();
    const rows: ApprovalRequestRow[] = [];
    for (;;) {
      const query = this.dataSource
        .getRepository(ApprovalRequestRow)
        .createQueryBuilder('request')
        .where("request.state = 'PENDING' AND request.expires_at > now() AND request.submitted_by <> :subject", { subject: actor.subject })
        .andWhere("NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.operation_id = request.operation_id AND (d.decided_by = :subject OR d.on_behalf_of = :subject))", { subject: actor.subject })
        .orderBy('request.created_at', 'ASC')
        .addOrderBy('request.operation_id', 'ASC')
        .take(pageSize * 2);
      if (request.operationType) query.andWhere('request.operation_type = :operationType', { operationType: request.operationType });
      if (cursor) query.andWhere('(request.created_at, request.operation_id) > (:createdAt, :operationId)', cursor);
      const batch = await query.getMany();
      for (const row of batch) {
        const key = JSON.stringify([row.operationType, row.serverIds]);
        if (!authorities.has(key)) {
          authorities.set(
            key,
            this.authority.authorityFor(actor, row.operationType, row.serverIds, now).catch((error: unknown) => {
              if (error instanceof PermissionDeniedError) return undefined;
              throw error;
            }),
          );
        }
        const authority = await authorities.get(key)!;
        if (!authority) continue;
        if (row.approverRoles.length > 0 && !row.approverRoles.some((role) => authority.roles.includes(role))) continue;
        if (authority.onBehalfOf?.subject === row.submittedBy) continue;
        rows.push(row);
        // One row past the page tells whether another page follows, so a full last page carries no token.
        if (rows.length > pageSize) return { rows: rows.slice(0, pageSize), nextPageToken: encodeCursor(rows[pageSize - 1]!) };
      }
      if (batch.length < pageSize * 2) return { rows, nextPageToken: '' };
      cursor = { createdAt: batch.at(-1)!.createdAt.toISOString(), operationId: batch.at(-1)!.operationId };
    }
  }

  /** The plan's items in row order, from the request (small plans) or its pages (large ones). */
  async planPage(row: ApprovalRequestRow, pageSize: number, pageToken: string): Promise<approvalV1.GetApprovalPlanResponse> {
    const size = pageSize || DEFAULT_PLAN_PAGE;
    if (size < 1 || size > MAX_PLAN_PAGE) throw new ApprovalError('INVALID_ARGUMENT', `page_size: 1-${MAX_PLAN_PAGE}`);
    if (pageToken && !/^\d{1,9}$/.test(pageToken)) throw new ApprovalError('INVALID_ARGUMENT', 'page_token: use the next_page_token of the previous page');
    const afterRow = Number(pageToken || '0');
    const inline = operationV1.OperationPlan.fromJSON(row.plan).items;
    const items =
      inline.length > 0
        ? inline.filter((item) => item.rowNumber > afterRow).slice(0, size + 1)
        : (
            (await this.dataSource.query(
              `SELECT item FROM approval_plan_pages, jsonb_array_elements(items) AS item
                WHERE operation_id = $1 AND (item->>'rowNumber')::int > $2
                ORDER BY (item->>'rowNumber')::int LIMIT $3`,
              [row.operationId, afterRow, size + 1],
            )) as { item: unknown }[]
          ).map(({ item }) => operationV1.ItemPlan.fromJSON(item));
    const page = items.slice(0, size);
    return { items: page, nextPageToken: items.length > size ? String(page.at(-1)!.rowNumber) : '' };
  }
}
