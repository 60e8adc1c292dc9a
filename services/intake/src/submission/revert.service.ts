import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { DataSource } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE, isUniqueViolation } from '@tradewarden/database';
import { MessagingRuntime, OutboxWriter } from '@tradewarden/messaging';
import { intakeV1, type commonV1 } from '@tradewarden/proto';
import type { Issue } from '../catalogue/operation-type';
import { clientRequestIdIssue } from '../domain/client-request-id';
import { REVERT_OPERATION_TYPE, revertRefusal, revertStep, type RevertStep } from '../domain/revert';
import { canonicalRollout, rolloutOptionsOf } from '../domain/rollout';
import { OperationTransitions } from '../execution/operation-transitions';
import { IntakeError } from '../intake-errors';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { INLINE_PLAN_ITEMS, OperationWriter } from './operation-writer';
import { SubmissionService } from './submission.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_ITEMS = 1000;
const MAX_REASON = 500;

/**
 * RevertOperation: a new operation, "operation.revert", whose items restore what the original applied, from the revert
 * changes recorded with its approved plan. It is authorized, approved and executed like any other operation; the
 * original becomes REVERTED when it completes (RolloutService).
 */
@Injectable()
export class RevertService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly authorization: AuthorizationClient,
    private readonly transitions: OperationTransitions,
    private readonly submissions: SubmissionService,
  ) {}

  async revert(actor: commonV1.Actor, request: intakeV1.RevertOperationRequest): Promise<intakeV1.RevertOperationResponse> {
    const issues: Issue[] = [];
    const requestIdIssue = clientRequestIdIssue(request.clientRequestId);
    if (requestIdIssue) issues.push(requestIdIssue);
    if (!UUID.test(request.operationId)) issues.push({ field: 'operation_id', code: 'FORMAT', message: 'must be a UUID' });
    const reason = request.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON) issues.push({ field: 'reason', code: 'REQUIRED', message: `say why, in 1-${MAX_REASON} characters` });
    if (issues.length > 0) throw IntakeError.validation(issues);

    const hash = createHash('sha256').update(canonicalize({ revert: intakeV1.RevertOperationRequest.toJSON(request) }) ?? '').digest('hex');
    const replay = await this.submissions.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
    if (replay) return { operation: replay.operation, replayed: true, irreversibleRows: await this.irreversibleRows(request.operationId) };

    const original = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId: request.operationId });
    if (!original) throw new IntakeError('NOT_FOUND', `no operation ${request.operationId}`);
    const refusal = revertRefusal(original.status, original.operationType);
    if (refusal) throw new IntakeError('NOT_REVERTIBLE', `operation ${original.operationId} cannot be reverted: ${refusal}`);
    const servers = await this.restorableServers(original.operationId);
    if (servers.length === 0) throw new IntakeError('NOT_REVERTIBLE', `operation ${original.operationId} cannot be reverted: none of its applied items can be undone`);
    let decisionId = '';
    for (const serverId of servers) {
      const decision = await this.authorization.require(actor, { action: 'submit', operationType: REVERT_OPERATION_TYPE, serverId });
      decisionId ||= decision.decisionId;
    }

    const operationId = randomUUID();
    const irreversibleRows: number[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        // Serializes with the original's own transitions and with a concurrent revert of it.
        const locked = await this.transitions.lock(manager, original.operationId);
        const lockedRefusal = locked && revertRefusal(locked.status, locked.operationType);
        if (lockedRefusal) throw new IntakeError('NOT_REVERTIBLE', `operation ${original.operationId} cannot be reverted: ${lockedRefusal}`);
        const restorable = await manager.count(OperationItemRow, { where: { operationId: original.operationId, status: 'APPLIED' } });
        const writer = new OperationWriter(
          manager,
          this.outbox,
          {
            operationId,
            actor,
            clientRequestId: request.clientRequestId,
            requestHash: hash,
            operationType: REVERT_OPERATION_TYPE,
            decisionId,
            executionOptions: canonicalRollout(rolloutOptionsOf(undefined).rollout),
            approvalPolicy: '',
            options: null,
            template: '',
            reverts: { operationId: original.operationId, reason },
          },
          restorable <= INLINE_PLAN_ITEMS,
        );
        await writer.begin();
        for (let afterRow = 0; ; ) {
          const items = await manager
            .getRepository(OperationItemRow)
            .createQueryBuilder('item')
            .where('item.operation_id = :operationId AND item.row_number > :afterRow', { operationId: original.operationId, afterRow })
            .orderBy('item.row_number', 'ASC')
            .take(PAGE_ITEMS)
            .getMany();
          if (items.length === 0) break;
          afterRow = items.at(-1)!.rowNumber;
          const steps: RevertStep[] = items.map(revertStep);
          for (const step of steps) if (step.kind === 'irreversible') irreversibleRows.push(step.rowNumber);
          await writer.add(steps.flatMap((step) => (step.kind === 'restore' ? [step.item] : [])));
        }
        await writer.finish();
      });
    } catch (error) {
      if (isUniqueViolation(error, 'operations_submitter_request_key')) {
        const winner = await this.submissions.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
        if (winner) return { operation: winner.operation, replayed: true, irreversibleRows: await this.irreversibleRows(request.operationId) };
      }
      if (isUniqueViolation(error, 'operations_one_revert_idx')) {
        const existing = await this.dataSource.getRepository(OperationRow).findOne({ where: { revertsOperationId: original.operationId }, order: { createdAt: 'DESC' } });
        throw new IntakeError('NOT_REVERTIBLE', `operation ${original.operationId} is being reverted or was reverted already (operation ${existing?.operationId ?? 'unknown'})`);
      }
      throw error;
    }
    this.messaging.publishSoon();
    return { operation: await this.submissions.view(operationId), replayed: false, irreversibleRows };
  }

  /** Servers with an applied item that can be undone: where the revert will write, so where it must be allowed. */
  private async restorableServers(operationId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(OperationItemRow)
      .createQueryBuilder('item')
      .select('DISTINCT item.server_id', 'serverId')
      .where("item.operation_id = :operationId AND item.status = 'APPLIED' AND item.revert IS NOT NULL", { operationId })
      .getRawMany<{ serverId: string }>();
    return rows.map((row) => row.serverId).sort();
  }

  private async irreversibleRows(operationId: string): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(OperationItemRow)
      .createQueryBuilder('item')
      .select('item.row_number', 'rowNumber')
      .where("item.operation_id = :operationId AND item.status = 'APPLIED' AND item.revert IS NULL", { operationId })
      .orderBy('item.row_number', 'ASC')
      .getRawMany<{ rowNumber: number }>();
    return rows.map((row) => row.rowNumber);
  }
}
