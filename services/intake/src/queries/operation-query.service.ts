import { Inject, Injectable } from '@nestjs/common';
import { MoreThan, type DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import type { commonV1, intakeV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { toOperationView } from '../submission/operation-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ITEM_PAGE = 1000;
const MAX_ITEM_PAGE = 10_000;

/** Reading operations: one with its items (paged), lists with filters, watching progress, cancelling, the per-row report. */
@Injectable()
export class OperationQueryService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
  ) {}

  /** An operation with a page of its items in row order; the page token is the last row number of the page before. */
  async get(actor: commonV1.Actor, request: intakeV1.GetOperationRequest): Promise<intakeV1.GetOperationResponse> {
    if (!UUID.test(request.operationId)) throw IntakeError.validation([{ field: 'operation_id', code: 'FORMAT', message: 'must be a UUID' }]);
    const pageSize = request.itemPageSize || DEFAULT_ITEM_PAGE;
    if (pageSize < 1 || pageSize > MAX_ITEM_PAGE) throw IntakeError.validation([{ field: 'item_page_size', code: 'RANGE', message: `1-${MAX_ITEM_PAGE}` }]);
    if (request.itemPageToken && !/^\d{1,9}$/.test(request.itemPageToken)) {
      throw IntakeError.validation([{ field: 'item_page_token', code: 'FORMAT', message: 'use the next_item_page_token of the previous page' }]);
    }
    const operation = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId: request.operationId });
    if (!operation) throw new IntakeError('NOT_FOUND', `no operation ${request.operationId}`);
    await this.authorization.require(actor, { action: 'view', operationType: operation.operationType });
    const items = await this.dataSource.getRepository(OperationItemRow).find({
      where: { operationId: request.operationId, rowNumber: MoreThan(Number(request.itemPageToken || '0')) },
      order: { rowNumber: 'ASC' },
      take: pageSize + 1,
    });
    const page = items.slice(0, pageSize);
    return { operation: toOperationView(operation, page), nextItemPageToken: items.length > pageSize ? String(page.at(-1)!.rowNumber) : '' };
  }

  list(_actor: commonV1.Actor, _request: intakeV1.ListOperationsRequest): Promise<intakeV1.ListOperationsResponse> {
    throw new Error('OperationQueryService.list is being written');
  }

  // eslint-disable-next-line require-yield
  async *watch(_actor: commonV1.Actor, _request: intakeV1.WatchOperationRequest): AsyncGenerator<intakeV1.WatchOperationResponse> {
    throw new Error('OperationQueryService.watch is being written');
  }

  cancel(_actor: commonV1.Actor, _request: intakeV1.CancelOperationRequest): Promise<intakeV1.CancelOperationResponse> {
    throw new Error('OperationQueryService.cancel is being written');
  }

  // eslint-disable-next-line require-yield
  async *report(_actor: commonV1.Actor, _request: intakeV1.GetOperationReportRequest): AsyncGenerator<intakeV1.GetOperationReportResponse> {
    throw new Error('OperationQueryService.report is being written');
  }
}
