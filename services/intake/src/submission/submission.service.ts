import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthorizationClient, PermissionDeniedError } from '@tradewarden/authorization-client';
import { DATA_SOURCE, isUniqueViolation } from '@tradewarden/database';
import { MessagingRuntime, OutboxWriter } from '@tradewarden/messaging';
import { intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { MAX_ITEMS_PER_REQUEST, type OperationPlanner } from '../catalogue/operation-planner';
import type { Issue as FieldError } from '../catalogue/operation-type';
import { IntakeError } from '../intake-errors';
import { clientRequestIdIssue } from '../domain/client-request-id';
import { canonicalRollout, rolloutOptionsOf } from '../domain/rollout';
import { itemStatusTotals } from '../persistence/item-status-totals';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { planWithTemplate, templateRequestIssues } from '../templates/template-application';
import { templateReference } from '../templates/template-rules';
import { TemplateService } from '../templates/template.service';
import { deniedItems, lockSubmitterDay, submittedToday } from './item-authorization';
import { OperationWriter } from './operation-writer';
import { toOperationView } from './operation-view';

/** Injection token of the OperationPlanner (made from configuration in the module). */
export const OPERATION_PLANNER = Symbol('OPERATION_PLANNER');

export interface SubmissionResult {
  operation: intakeV1.Operation;
  replayed: boolean;
}

/** A refusal naming the first denied items by their place in the request and why (the permission or the limit). */
export function itemsDenied(denied: ReadonlyMap<number, FieldError>, itemCount: number, decisionId: string): PermissionDeniedError {
  const first = [...denied.values()].slice(0, 5).map((issue) => `${issue.field}: ${issue.message}`);
  return new PermissionDeniedError(`${denied.size} of ${itemCount} item(s) denied: ${first.join('; ')}${denied.size > first.length ? '; ...' : ''}`, decisionId);
}

function requestHash(request: intakeV1.SubmitOperationRequest): string {
  return createHash('sha256').update(canonicalize(intakeV1.SubmitOperationRequest.toJSON(request)) ?? '').digest('hex');
}

/**
 * SubmitOperation: static validation, idempotency, authorization per server, live validation through the gateway,
 * the plan with its digest, then the operation, its items and its OperationSubmitted event in one transaction.
 * Nothing is stored when anything fails, unless the submitter chose skip_invalid: then the invalid items are kept as
 * SKIPPED with their errors and only the valid ones go on.
 */
@Injectable()
export class SubmissionService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly authorization: AuthorizationClient,
    @Inject(OPERATION_PLANNER) private readonly planner: OperationPlanner,
    private readonly templates: TemplateService,
  ) {}

  async submit(actor: commonV1.Actor, request: intakeV1.SubmitOperationRequest): Promise<SubmissionResult> {
    const { rollout, skipInvalid, issues: optionIssues } = rolloutOptionsOf(request.options);
    const staticErrors = [...this.requestIssues(request), ...optionIssues];
    if (staticErrors.length > 0 && !(skipInvalid && staticErrors.every((issue) => issue.field.startsWith('items[')))) throw IntakeError.validation(staticErrors);
    const hash = requestHash(request);
    const replay = await this.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
    if (replay) return replay;

    const decisionId = await this.authorizeSubmit(actor, request);
    const template = request.template ? await this.templates.resolve(request.template) : undefined;
    if (template) {
      const issues = templateRequestIssues(template, request.operationType, request.items.length);
      if (issues.length > 0) throw IntakeError.validation(issues);
    }
    const planned = await planWithTemplate(this.planner, template, request);
    const errors = [...planned.requestErrors, ...planned.items.flatMap((item) => item.errors)];
    if (planned.requestErrors.length > 0 || (errors.length > 0 && !skipInvalid)) throw IntakeError.validation(errors);
    if (planned.items.every((item) => item.errors.length > 0)) throw IntakeError.validation(errors);
    const operationId = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        // Item by item now that groups and amounts are known: the scopes and limits of the caller's grants. The
        // submitter's day is read under a lock held until this operation is stored, so two submissions at once are
        // checked one after the other against the day limits.
        await lockSubmitterDay(manager, actor, request.operationType);
        const itemDecision = await deniedItems(this.authorization, actor, request.operationType, planned.items, {
          today: await submittedToday(manager, actor, request.operationType),
        });
        if (itemDecision.denied.size > 0) throw itemsDenied(itemDecision.denied, planned.items.length, itemDecision.decisionId);
        const writer = new OperationWriter(
          manager,
          this.outbox,
          {
            operationId,
            actor,
            clientRequestId: request.clientRequestId,
            requestHash: hash,
            operationType: request.operationType,
            decisionId: itemDecision.decisionId || decisionId,
            policyVersion: itemDecision.policyVersion,
            executionOptions: canonicalRollout(rollout),
            approvalPolicy: template?.approvalPolicy ?? '',
            options: request.options ? (intakeV1.BatchOptions.toJSON(request.options) as object) : null,
            template: template ? templateReference(template) : '',
          },
          true,
        );
        await writer.begin();
        await writer.add(planned.items);
        await writer.finish();
      });
    } catch (error) {
      // A concurrent repeat of the same request won the race: answer with its operation.
      if (isUniqueViolation(error, 'operations_submitter_request_key')) {
        const winner = await this.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
        if (winner) return winner;
      }
      throw error;
    }
    this.messaging.publishSoon();
    return { operation: await this.view(operationId), replayed: false };
  }

  async view(operationId: string): Promise<intakeV1.Operation> {
    const operation = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId });
    if (!operation) throw new IntakeError('NOT_FOUND', `no operation ${operationId}`);
    // A SubmitOperation holds at most MAX_ITEMS_PER_REQUEST items; the bound and the database's counts keep the answer
    // small even if this id names a larger operation.
    const items = await this.dataSource.getRepository(OperationItemRow).find({ where: { operationId }, order: { rowNumber: 'ASC' }, take: MAX_ITEMS_PER_REQUEST });
    const totals = await itemStatusTotals(this.dataSource.manager, [operationId]);
    return toOperationView(operation, items, totals.get(operationId) ?? []);
  }

  /** The operation an earlier request with this id made; an IDEMPOTENCY_CONFLICT when that request was another. */
  async findReplay(manager: EntityManager, actor: commonV1.Actor, clientRequestId: string, hash: string): Promise<SubmissionResult | undefined> {
    const existing = await manager.getRepository(OperationRow).findOneBy({ submittedBy: actor.subject, clientRequestId });
    if (!existing) return undefined;
    if (existing.requestHash !== hash) {
      throw new IntakeError(
        'IDEMPOTENCY_CONFLICT',
        `client_request_id "${clientRequestId}" was already used for a different request (operation ${existing.operationId})`,
      );
    }
    return { operation: await this.view(existing.operationId), replayed: true };
  }

  /**
   * ValidateOperation: the same checks and live reads as a submission, and the preview of every item, without storing
   * or sending anything. Needs the submit permission on every server named, like a submission.
   */
  async validate(actor: commonV1.Actor, request: intakeV1.ValidateOperationRequest): Promise<intakeV1.ValidateOperationResponse> {
    const { requestErrors } = this.planner.staticIssues(request);
    if (requestErrors.length === 0) await this.authorizeSubmit(actor, request);
    const template = request.template ? await this.templates.resolve(request.template) : undefined;
    const templateIssues = template ? templateRequestIssues(template, request.operationType, request.items.length) : [];
    const planned = await planWithTemplate(this.planner, template, request);
    const errors = [...templateIssues, ...planned.requestErrors];
    // What the submission would be refused for: an item beyond the caller's scopes or limits is an error of that item.
    if (errors.length === 0) {
      const { denied } = await deniedItems(this.authorization, actor, request.operationType, planned.items, {
        today: await submittedToday(this.dataSource.manager, actor, request.operationType),
      });
      for (const item of planned.items) {
        const issue = denied.get(item.rowNumber);
        if (issue) item.errors.push(issue);
      }
    }
    return {
      valid: errors.length === 0 && planned.items.every((item) => item.errors.length === 0),
      errors,
      items: planned.items.map((item) => ({
        rowNumber: item.rowNumber,
        spec: item.spec,
        before: item.planned?.before ?? {},
        after: item.planned?.after ?? {},
        errors: item.errors,
        warnings: item.warnings,
      })),
      totals: planned.totals,
    };
  }

  /** Problems of the request itself and of each item that need no server. */
  private requestIssues(request: intakeV1.SubmitOperationRequest): FieldError[] {
    const issues: FieldError[] = [];
    const requestIdIssue = clientRequestIdIssue(request.clientRequestId);
    if (requestIdIssue) issues.push(requestIdIssue);
    const { requestErrors, itemErrors } = this.planner.staticIssues(request);
    return [...issues, ...requestErrors, ...itemErrors.flat()];
  }

  /** The submit permission for this type on every server the request names; the first decision is recorded. */
  private async authorizeSubmit(actor: commonV1.Actor, request: { operationType: string; items: readonly operationV1.OperationItemSpec[] }): Promise<string> {
    let decisionId = '';
    for (const serverId of new Set(request.items.map((item) => item.serverId))) {
      const decision = await this.authorization.require(actor, { action: 'submit', operationType: request.operationType, serverId });
      decisionId ||= decision.decisionId;
    }
    return decisionId;
  }
}
