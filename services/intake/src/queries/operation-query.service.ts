import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { In, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { MessagingRuntime } from '@tradewarden/messaging';
import type { commonV1, intakeV1 } from '@tradewarden/proto';
import { isFinal, UNSUCCESSFUL_ITEM_OUTCOMES } from '../domain/operation-status';
import { OperationTransitions } from '../execution/operation-transitions';
import { IntakeError } from '../intake-errors';
import { itemStatusTotals } from '../persistence/item-status-totals';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { toOperationView, toReportRow } from '../submission/operation-view';
import { abortableStream } from './abortable-stream';
import { listCondition, listCriteriaOf, type ListCriteria } from './list-criteria';
import { encodeCursor } from './operation-cursor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ITEM_PAGE = 1000;
const MAX_ITEM_PAGE = 10_000;
const WATCH_POLL_MS = 500;
const REPORT_PAGE = 500;
const MAX_CANCEL_REASON = 1000;
/** The submission time as the page cursor keeps it: UTC with PostgreSQL's microseconds. */
const CURSOR_TIME = `to_char(operation.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Reading operations: one with its items (paged), lists with filters, watching progress, cancelling, the per-row report. */
@Injectable()
export class OperationQueryService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    private readonly transitions: OperationTransitions,
    private readonly messaging: MessagingRuntime,
  ) {}

  /** An operation with a page of its items in row order; the page token is the last row number of the page before. */
  async get(actor: commonV1.Actor, request: intakeV1.GetOperationRequest): Promise<intakeV1.GetOperationResponse> {
    const pageSize = request.itemPageSize || DEFAULT_ITEM_PAGE;
    if (pageSize < 1 || pageSize > MAX_ITEM_PAGE) throw IntakeError.validation([{ field: 'item_page_size', code: 'RANGE', message: `1-${MAX_ITEM_PAGE}` }]);
    if (request.itemPageToken && !/^\d{1,9}$/.test(request.itemPageToken)) {
      throw IntakeError.validation([{ field: 'item_page_token', code: 'FORMAT', message: 'use the next_item_page_token of the previous page' }]);
    }
    const operation = await this.viewable(actor, request.operationId);
    const items = await this.dataSource.getRepository(OperationItemRow).find({
      where: { operationId: request.operationId, rowNumber: MoreThan(Number(request.itemPageToken || '0')) },
      order: { rowNumber: 'ASC' },
      take: pageSize + 1,
    });
    const page = items.slice(0, pageSize);
    const totals = await itemStatusTotals(this.dataSource.manager, [operation.operationId]);
    return {
      operation: toOperationView(operation, page, totals.get(operation.operationId) ?? []),
      nextItemPageToken: items.length > pageSize ? String(page.at(-1)!.rowNumber) : '',
    };
  }

  /**
   * Operations the caller may view, newest first. Which operation types that excludes is asked of the identity service
   * once per type met (not per operation); hidden types are then left out by the query, so pages stay full.
   */
  async list(actor: commonV1.Actor, request: intakeV1.ListOperationsRequest): Promise<intakeV1.ListOperationsResponse> {
    const criteria = listCriteriaOf(request);
    // Asking for one type explicitly is a request to see it: refused outright rather than answered with an empty list.
    if (criteria.operationType) await this.authorization.require(actor, { action: 'view', operationType: criteria.operationType });
    const mayView = new Map<string, boolean>();
    if (criteria.operationType) mayView.set(criteria.operationType, true);
    for (;;) {
      const hidden = [...mayView].filter(([, allowed]) => !allowed).map(([operationType]) => operationType);
      const candidates = await this.listPage(criteria, hidden);
      const unasked = [...new Set(candidates.map(({ operation }) => operation.operationType))].filter((operationType) => !mayView.has(operationType));
      const decisions = await Promise.all(unasked.map(async (operationType) => [operationType, (await this.authorization.authorize(actor, { action: 'view', operationType })).allowed] as const));
      for (const [operationType, allowed] of decisions) mayView.set(operationType, allowed);
      if (decisions.some(([, allowed]) => !allowed)) continue;
      const page = candidates.slice(0, criteria.pageSize);
      const totals = await itemStatusTotals(
        this.dataSource.manager,
        page.map(({ operation }) => operation.operationId),
      );
      return {
        operations: page.map(({ operation }) => toOperationView(operation, [], totals.get(operation.operationId) ?? [])),
        nextPageToken: candidates.length > criteria.pageSize ? encodeCursor(page.at(-1)!.cursor) : '',
      };
    }
  }

  /** One page and one more row (to know whether another page follows), each with its exact cursor. */
  private async listPage(criteria: ListCriteria, hiddenTypes: readonly string[]): Promise<{ operation: OperationRow; cursor: { submittedAt: string; operationId: string } }[]> {
    const condition = listCondition(criteria, hiddenTypes);
    const { entities, raw } = await this.dataSource
      .getRepository(OperationRow)
      .createQueryBuilder('operation')
      .addSelect(CURSOR_TIME, 'cursor_submitted_at')
      .where(condition.where, condition.parameters)
      .orderBy('operation.created_at', 'DESC')
      .addOrderBy('operation.operation_id', 'DESC')
      .limit(criteria.pageSize + 1)
      .getRawAndEntities<{ operation_operation_id: string; cursor_submitted_at: string }>();
    const submittedAt = new Map(raw.map((row) => [row.operation_operation_id, row.cursor_submitted_at]));
    return entities.map((operation) => ({ operation, cursor: { submittedAt: submittedAt.get(operation.operationId)!, operationId: operation.operationId } }));
  }

  /** The operation now (without items), then again on every change of status, counts or update time, until it is final. */
  watch(actor: commonV1.Actor, request: intakeV1.WatchOperationRequest): AsyncGenerator<intakeV1.WatchOperationResponse> {
    return abortableStream((signal) => this.watchUntilFinal(actor, request, signal));
  }

  private async *watchUntilFinal(actor: commonV1.Actor, request: intakeV1.WatchOperationRequest, signal: AbortSignal): AsyncGenerator<intakeV1.WatchOperationResponse> {
    let operation = await this.viewable(actor, request.operationId);
    let lastSent = '';
    for (;;) {
      const view = await this.summary(this.dataSource.manager, operation);
      const fingerprint = JSON.stringify([view.status, view.updatedAt?.getTime(), view.counts]);
      if (fingerprint !== lastSent) {
        yield { operation: view };
        lastSent = fingerprint;
      }
      if (isFinal(operation.status)) return;
      // The timer is cancelled with the call: nothing keeps running once the client is gone.
      const stopped = await sleep(WATCH_POLL_MS, true, { signal }).then(
        () => false,
        () => true,
      );
      if (stopped || signal.aborted) return;
      operation = await this.find(request.operationId);
    }
  }

  /**
   * Cancels an operation nothing of which was sent to an MT server yet. The submitter may; anyone else needs the cancel
   * permission on every server the operation touches. The status is moved under the operation's row lock, the same
   * lock approval decisions take, so a cancel and a dispatch never both happen.
   */
  async cancel(actor: commonV1.Actor, request: intakeV1.CancelOperationRequest): Promise<intakeV1.CancelOperationResponse> {
    const reason = request.reason.trim();
    if (reason.length === 0 || reason.length > MAX_CANCEL_REASON) {
      throw IntakeError.validation([{ field: 'reason', code: reason.length === 0 ? 'REQUIRED' : 'RANGE', message: `say why, in 1-${MAX_CANCEL_REASON} characters` }]);
    }
    const found = await this.find(request.operationId);
    if (actor.subject !== found.submittedBy) {
      const servers = await this.dataSource
        .getRepository(OperationItemRow)
        .createQueryBuilder('item')
        .select('DISTINCT item.server_id', 'serverId')
        .where('item.operation_id = :operationId', { operationId: found.operationId })
        .getRawMany<{ serverId: string }>();
      if (servers.length === 0) await this.authorization.require(actor, { action: 'cancel', operationType: found.operationType });
      for (const { serverId } of servers) await this.authorization.require(actor, { action: 'cancel', operationType: found.operationType, serverId });
    }
    const view = await this.dataSource.transaction(async (manager) => {
      const operation = await this.transitions.lock(manager, found.operationId);
      if (!operation) throw new IntakeError('NOT_FOUND', `no operation ${found.operationId}`);
      // Refuses (FAILED_PRECONDITION) once execution started or the operation ended.
      await this.transitions.move(manager, operation, 'CANCELLED', reason, actor);
      await manager.update(OperationItemRow, { operationId: operation.operationId, status: 'PENDING' }, { status: 'SKIPPED', errorCode: 'CANCELLED', errorMessage: `operation cancelled: ${reason}` });
      return this.summary(manager, (await manager.getRepository(OperationRow).findOneBy({ operationId: operation.operationId }))!);
    });
    this.messaging.publishSoon();
    return { operation: view };
  }

  /** The per-row report in row order, 500 rows a message, read a page at a time (an operation may hold 100,000 rows). */
  async *report(actor: commonV1.Actor, request: intakeV1.GetOperationReportRequest): AsyncGenerator<intakeV1.GetOperationReportResponse> {
    const operation = await this.viewable(actor, request.operationId);
    let afterRow = 0;
    for (;;) {
      const rows = await this.dataSource.getRepository(OperationItemRow).find({
        select: { rowNumber: true, itemId: true, spec: true, status: true, errorCode: true, errorMessage: true, mtReference: true },
        where: {
          operationId: operation.operationId,
          rowNumber: MoreThan(afterRow),
          ...(request.onlyUnsuccessful ? { status: In([...UNSUCCESSFUL_ITEM_OUTCOMES]) } : {}),
        },
        order: { rowNumber: 'ASC' },
        take: REPORT_PAGE,
      });
      if (rows.length > 0) yield { rows: rows.map(toReportRow) };
      if (rows.length < REPORT_PAGE) return;
      afterRow = rows.at(-1)!.rowNumber;
    }
  }

  private async find(operationId: string): Promise<OperationRow> {
    if (!UUID.test(operationId)) throw IntakeError.validation([{ field: 'operation_id', code: 'FORMAT', message: 'must be a UUID' }]);
    const operation = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId });
    if (!operation) throw new IntakeError('NOT_FOUND', `no operation ${operationId}`);
    return operation;
  }

  private async viewable(actor: commonV1.Actor, operationId: string): Promise<OperationRow> {
    const operation = await this.find(operationId);
    await this.authorization.require(actor, { action: 'view', operationType: operation.operationType });
    return operation;
  }

  /** The operation without items, with its counts over all items. */
  private async summary(manager: EntityManager, operation: OperationRow): Promise<intakeV1.Operation> {
    const totals = await itemStatusTotals(manager, [operation.operationId]);
    return toOperationView(operation, [], totals.get(operation.operationId) ?? []);
  }
}
