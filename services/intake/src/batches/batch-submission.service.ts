import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthorizationClient, sumByCurrency, type Money } from '@tradewarden/authorization-client';
import { DATA_SOURCE, isUniqueViolation } from '@tradewarden/database';
import { MessagingRuntime, OutboxWriter } from '@tradewarden/messaging';
import { intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import type { OperationPlanner } from '../catalogue/operation-planner';
import type { Issue } from '../catalogue/operation-type';
import { clientRequestIdIssue } from '../domain/client-request-id';
import { canonicalRollout, rolloutOptionsOf } from '../domain/rollout';
import { IntakeError } from '../intake-errors';
import { itemStatusTotals } from '../persistence/item-status-totals';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { OperationWriter } from '../submission/operation-writer';
import { authorizedItemsOf, deniedItems, lockSubmitterDay, submittedToday } from '../submission/item-authorization';
import { planWithTemplate, templateRequestIssues } from '../templates/template-application';
import { templateItemCountIssue, templateReference } from '../templates/template-rules';
import { TemplateService } from '../templates/template.service';
import { OPERATION_PLANNER } from '../submission/submission.service';
import { toOperationView } from '../submission/operation-view';

export const MAX_BATCH_ITEMS = 100_000;
/** Items planned together: one live read per server per chunk, and the most a client sends per message. */
export const CHUNK_ITEMS = 1000;
const REPORTED_ERRORS = 1000;

/** Refuses the batch inside its transaction, so that nothing written so far stays. */
class BatchRefused extends Error {
  constructor() {
    super('batch refused');
  }
}

interface BatchHeader {
  clientRequestId: string;
  operationType: string;
  options: intakeV1.BatchOptions | undefined;
  template: string;
}

/**
 * SubmitBatch and RetryFailedItems. A batch streams in as a header and chunks of items; each chunk is checked, planned
 * against live state and written before the next is read (the client is held back meanwhile), inside one transaction
 * that commits only if the batch is accepted. Memory holds one chunk and the first errors, whatever the batch's size.
 */
@Injectable()
export class BatchSubmissionService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly authorization: AuthorizationClient,
    @Inject(OPERATION_PLANNER) private readonly planner: OperationPlanner,
    private readonly templates: TemplateService,
  ) {}

  async submit(actor: commonV1.Actor, requests: AsyncIterable<intakeV1.SubmitBatchRequest>): Promise<intakeV1.SubmitBatchResponse> {
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    const header = first.done ? undefined : first.value.header;
    if (!header) throw IntakeError.validation([{ field: 'header', code: 'REQUIRED', message: 'the first message of a batch is its header' }]);
    const chunks = (async function* () {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (!next.value.items) throw IntakeError.validation([{ field: 'items', code: 'ORDER', message: 'a batch has one header, first; then only items' }]);
        yield next.value.items.items;
      }
    })();
    return this.accept(actor, { clientRequestId: header.clientRequestId, operationType: header.operationType, options: header.options, template: header.template }, chunks);
  }

  /** A new operation from the rows of an earlier one that did not apply (failed, rejected, drifted, skipped). */
  async retryFailed(actor: commonV1.Actor, request: intakeV1.RetryFailedItemsRequest): Promise<intakeV1.RetryFailedItemsResponse> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(request.operationId)) {
      throw IntakeError.validation([{ field: 'operation_id', code: 'FORMAT', message: 'must be a UUID' }]);
    }
    const original = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId: request.operationId });
    if (!original) throw new IntakeError('NOT_FOUND', `no operation ${request.operationId}`);
    await this.authorization.require(actor, { action: 'view', operationType: original.operationType });
    const dataSource = this.dataSource;
    const chunks = (async function* () {
      let afterRow = 0;
      for (;;) {
        const rows = await dataSource
          .getRepository(OperationItemRow)
          .createQueryBuilder('item')
          .where('item.operation_id = :operationId', { operationId: original.operationId })
          .andWhere("item.status IN ('FAILED', 'REJECTED', 'DRIFTED', 'SKIPPED') AND item.row_number > :afterRow", { afterRow })
          .orderBy('item.row_number', 'ASC')
          .take(CHUNK_ITEMS)
          .getMany();
        if (rows.length === 0) return;
        afterRow = rows.at(-1)!.rowNumber;
        yield rows.map((row) => operationV1.OperationItemSpec.fromJSON(row.spec));
      }
    })();
    const result = await this.accept(actor, { clientRequestId: request.clientRequestId, operationType: original.operationType, options: undefined, template: '' }, chunks);
    return { result };
  }

  private async accept(actor: commonV1.Actor, header: BatchHeader, chunks: AsyncIterable<operationV1.OperationItemSpec[]>): Promise<intakeV1.SubmitBatchResponse> {
    const { rollout, skipInvalid, issues: optionIssues } = rolloutOptionsOf(header.options);
    const headerIssues: Issue[] = [...optionIssues];
    const requestIdIssue = clientRequestIdIssue(header.clientRequestId);
    if (requestIdIssue) headerIssues.push(requestIdIssue);
    const type = this.planner.typeOf(header.operationType);
    if ('error' in type) headerIssues.push(type.error);
    if (headerIssues.length > 0) throw IntakeError.validation(headerIssues);
    const template = header.template ? await this.templates.resolve(header.template) : undefined;
    // The item count is known at the end; the other request-level checks now.
    if (template) {
      const issues = templateRequestIssues(template, header.operationType, 0).filter((issue) => issue.code !== 'TEMPLATE_LIMIT');
      if (issues.length > 0) throw IntakeError.validation(issues);
    }

    const hash = createHash('sha256').update(canonicalize({ clientRequestId: header.clientRequestId, operationType: header.operationType, options: header.options ? intakeV1.BatchOptions.toJSON(header.options) : null }) ?? '');
    const existing = await this.dataSource.getRepository(OperationRow).findOneBy({ submittedBy: actor.subject, clientRequestId: header.clientRequestId });
    if (existing) return this.replay(existing, hash, chunks);

    const operationId = randomUUID();
    const errors: Issue[] = [];
    let errorCount = 0;
    const note = (issues: readonly Issue[]) => {
      errorCount += issues.length;
      for (const issue of issues) if (errors.length < REPORTED_ERRORS) errors.push(issue);
    };
    const authorized = new Map<string, string>();
    let writer: OperationWriter | undefined;
    let rows = 0;
    // Item permissions (scopes and limits) chunk by chunk; per-operation limits see the running total, which only
    // grows, so a batch that ends over a limit is refused whichever chunk passes it.
    let today: Money[] = [];
    let runningTotals: Money[] = [];
    let itemDecisionId = '';
    let itemPolicyVersion = '';
    let denials = 0;
    try {
      await this.dataSource.transaction(async (manager) => {
        writer = new OperationWriter(
          manager,
          this.outbox,
          { operationId, actor, clientRequestId: header.clientRequestId, requestHash: '', operationType: header.operationType, decisionId: '', executionOptions: canonicalRollout(rollout), approvalPolicy: template?.approvalPolicy ?? '', options: header.options ? (intakeV1.BatchOptions.toJSON(header.options) as object) : null, template: template ? templateReference(template) : '' },
          false,
        );
        await writer.begin();
        // As for SubmitOperation: the submitter's day, read under a lock held until the batch is stored.
        await lockSubmitterDay(manager, actor, header.operationType);
        today = await submittedToday(manager, actor, header.operationType);
        for await (const chunk of chunks) {
          hash.update(canonicalize(chunk.map((spec) => operationV1.OperationItemSpec.toJSON(spec))) ?? '');
          for (let start = 0; start < chunk.length; start += CHUNK_ITEMS) {
            const items = chunk.slice(start, start + CHUNK_ITEMS);
            if (rows + items.length > MAX_BATCH_ITEMS) throw IntakeError.validation([{ field: 'items', code: 'TOO_MANY', message: `at most ${MAX_BATCH_ITEMS} items per batch` }]);
            await this.authorizeServers(actor, header.operationType, items, authorized);
            const planned = await planWithTemplate(this.planner, template, { operationType: header.operationType, items }, rows + 1, CHUNK_ITEMS);
            note(planned.items.flatMap((item) => item.errors));
            runningTotals = sumByCurrency([...runningTotals.map((amount) => ({ serverId: '', amount })), ...planned.items.filter((item) => item.errors.length === 0).flatMap(authorizedItemsOf)]);
            const { denied, decisionId, policyVersion } = await deniedItems(this.authorization, actor, header.operationType, planned.items, { operation: runningTotals, today });
            itemDecisionId ||= decisionId;
            itemPolicyVersion ||= policyVersion;
            denials += denied.size;
            note([...denied.values()]);
            await writer.add(planned.items);
            rows += items.length;
          }
        }
        if (rows === 0) throw IntakeError.validation([{ field: 'items', code: 'REQUIRED', message: 'a batch needs at least one item' }]);
        const tooMany = template && templateItemCountIssue(template, rows);
        if (tooMany) {
          note([tooMany]);
          throw new BatchRefused();
        }
        // Items beyond the caller's permissions refuse the batch even with skip_invalid: they are not invalid, and
        // skipping them would turn a refusal into a partial execution the submitter may not have meant.
        if ((errorCount > 0 && !skipInvalid) || denials > 0 || writer.counts.accepted === 0) throw new BatchRefused();
        await manager.update(OperationRow, { operationId }, { requestHash: hash.digest('hex') });
        await writer.decided(itemDecisionId || (authorized.values().next().value ?? ''), itemPolicyVersion);
        await writer.finish();
      });
    } catch (error) {
      if (error instanceof BatchRefused) return { submitted: false, operation: undefined, replayed: false, acceptedItems: 0, skippedItems: 0, errors, errorCount };
      if (isUniqueViolation(error, 'operations_submitter_request_key')) {
        const winner = await this.dataSource.getRepository(OperationRow).findOneBy({ submittedBy: actor.subject, clientRequestId: header.clientRequestId });
        if (winner) return this.replay(winner, hash, chunks);
      }
      throw error;
    }
    this.messaging.publishSoon();
    const counts = writer!.counts;
    return { submitted: true, operation: await this.summary(operationId), replayed: false, acceptedItems: counts.accepted, skippedItems: counts.skipped, errors, errorCount };
  }

  /** The client_request_id was used before: the same batch gets the same operation, a different one is refused. */
  private async replay(existing: OperationRow, hash: ReturnType<typeof createHash>, chunks: AsyncIterable<operationV1.OperationItemSpec[]>): Promise<intakeV1.SubmitBatchResponse> {
    for await (const chunk of chunks) hash.update(canonicalize(chunk.map((spec) => operationV1.OperationItemSpec.toJSON(spec))) ?? '');
    if (hash.digest('hex') !== existing.requestHash) {
      throw new IntakeError('IDEMPOTENCY_CONFLICT', `client_request_id "${existing.clientRequestId}" was already used for a different batch (operation ${existing.operationId})`);
    }
    // Items refused at submission were stored without a change.
    const counts = (await this.dataSource.query(
      "SELECT count(*) FILTER (WHERE change <> '{}'::jsonb) AS accepted, count(*) FILTER (WHERE change = '{}'::jsonb) AS skipped FROM operation_items WHERE operation_id = $1",
      [existing.operationId],
    )) as { accepted: string; skipped: string }[];
    return {
      submitted: true,
      operation: await this.summary(existing.operationId),
      replayed: true,
      acceptedItems: Number(counts[0]?.accepted ?? 0),
      skippedItems: Number(counts[0]?.skipped ?? 0),
      errors: [],
      errorCount: 0,
    };
  }

  private async authorizeServers(actor: commonV1.Actor, operationType: string, items: readonly operationV1.OperationItemSpec[], authorized: Map<string, string>): Promise<void> {
    for (const serverId of new Set(items.map((item) => item.serverId))) {
      if (authorized.has(serverId) || !serverId) continue;
      const decision = await this.authorization.require(actor, { action: 'submit', operationType, serverId });
      authorized.set(serverId, decision.decisionId);
    }
  }

  private async summary(operationId: string, manager: EntityManager = this.dataSource.manager): Promise<intakeV1.Operation> {
    const operation = await manager.getRepository(OperationRow).findOneByOrFail({ operationId });
    return toOperationView(operation, [], (await itemStatusTotals(manager, [operationId])).get(operationId) ?? []);
  }
}
