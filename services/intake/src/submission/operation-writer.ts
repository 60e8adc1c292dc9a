import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, OutboxWriter, Topics } from '@tradewarden/messaging';
import { PlanDigestBuilder } from '@tradewarden/plan-digest';
import { operationV1, type commonV1 } from '@tradewarden/proto';
import { injectTraceHeaders } from '@tradewarden/telemetry';
import type { ItemOutcome } from '../catalogue/operation-planner';
import { parseCanonicalRollout } from '../domain/rollout';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';

/** Plans up to this many items travel whole in OperationSubmitted; larger ones as OperationPlanPage events before it. */
export const INLINE_PLAN_ITEMS = 500;

/**
 * Items of a plan per event, in encoded bytes: an event stays far below Kafka's default 1 MiB message limit (and the
 * outbox's MAX_EVENT_BYTES) even when items are large (account openings carry every field).
 */
const PLAN_EVENT_BYTES = 256 * 1024;

export interface OperationHeader {
  operationId: string;
  actor: commonV1.Actor;
  clientRequestId: string;
  requestHash: string;
  operationType: string;
  decisionId: string;
  /** Version of identity's policy set the decision was taken under; "" when not known. */
  policyVersion?: string;
  /** Canonical roll-out options (domain/rollout.ts); part of the digest. */
  executionOptions: string;
  approvalPolicy: string;
  /** BatchOptions as given (proto JSON), shown with the operation; null for the defaults. */
  options: object | null;
  /** The template applied, "name@version"; "" for none. */
  template: string;
  /** For an operation.revert: the operation it restores, and why (its first status reason). */
  reverts?: { operationId: string; reason: string };
}

/**
 * Writes one operation inside the caller's transaction, chunk by chunk, so that a 100,000-item batch is never held
 * whole: the operation row first (its unique request key makes a concurrent repeat wait, then fail), then items as they
 * are planned (valid ones PENDING, skipped ones with their errors), the digest built item by item, and the plan as
 * events: inline in OperationSubmitted when small, otherwise in pages written as the chunks arrive.
 */
export class OperationWriter {
  private readonly digest: PlanDigestBuilder;
  private readonly pending: operationV1.ItemPlan[] = [];
  private inline: operationV1.ItemPlan[] | undefined = [];
  private inlineBytes = 0;
  private pendingBytes = 0;
  private pages = 0;
  private accepted = 0;
  private skipped = 0;

  constructor(
    private readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
    private header: OperationHeader,
    /** Whether the plan may travel inline (SubmitOperation); a streamed batch always uses pages. */
    allowInline: boolean,
  ) {
    this.digest = new PlanDigestBuilder(header.operationType, header.executionOptions);
    if (!allowInline) this.inline = undefined;
  }

  async begin(): Promise<void> {
    await this.manager.insert(OperationRow, {
      operationId: this.header.operationId,
      clientRequestId: this.header.clientRequestId,
      requestHash: this.header.requestHash,
      submittedBy: this.header.actor.subject,
      submittedByUsername: this.header.actor.username,
      operationType: this.header.operationType,
      status: 'SUBMITTED',
      planDigest: '',
      executionOptions: this.header.executionOptions,
      options: this.header.options,
      template: this.header.template || null,
      decisionId: this.header.decisionId,
      traceparent: injectTraceHeaders()['traceparent'] ?? null,
      revertsOperationId: this.header.reverts?.operationId ?? null,
      notBefore: parseCanonicalRollout(this.header.executionOptions).notBefore ? new Date(parseCanonicalRollout(this.header.executionOptions).notBefore) : null,
      statusReason: this.header.reverts ? `reverts operation ${this.header.reverts.operationId}: ${this.header.reverts.reason}` : null,
    });
  }

  /** Items in row order: planned ones become the plan, the others are kept as SKIPPED with their errors. */
  async add(items: readonly ItemOutcome[]): Promise<void> {
    const rows: Partial<OperationItemRow>[] = [];
    for (const item of items) {
      const itemId = randomUUID();
      if (item.planned && item.errors.length === 0) {
        const plan: operationV1.ItemPlan = {
          itemId,
          rowNumber: item.rowNumber,
          spec: item.spec,
          before: item.planned.before,
          after: item.planned.after,
          change: item.planned.change,
          revert: item.planned.revert,
          warnings: item.warnings,
        };
        this.digest.add(plan);
        this.accepted += 1;
        const bytes = operationV1.ItemPlan.encode(plan).finish().length;
        if (this.inline && this.inline.length < INLINE_PLAN_ITEMS && this.inlineBytes + bytes <= PLAN_EVENT_BYTES) {
          this.inline.push(plan);
          this.inlineBytes += bytes;
        } else await this.queuePage(plan, bytes);
        rows.push(itemRow(this.header.operationId, plan));
      } else {
        this.skipped += 1;
        rows.push({
          itemId,
          operationId: this.header.operationId,
          rowNumber: item.rowNumber,
          serverId: item.spec.serverId,
          spec: operationV1.OperationItemSpec.toJSON(item.spec) as object,
          change: {},
          revert: null,
          warnings: item.warnings,
          before: {},
          after: {},
          status: 'SKIPPED',
          errorCode: item.errors[0]?.code ?? 'INVALID',
          errorMessage: item.errors.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
        });
      }
    }
    if (rows.length > 0) await this.manager.insert(OperationItemRow, rows);
  }

  /** The authorization decision, when it is known only once every chunk was checked (a streamed batch). */
  async decided(decisionId: string, policyVersion: string): Promise<void> {
    this.header = { ...this.header, decisionId, policyVersion };
    await this.manager.update(OperationRow, { operationId: this.header.operationId }, { decisionId });
  }

  get counts(): { accepted: number; skipped: number } {
    return { accepted: this.accepted, skipped: this.skipped };
  }

  /** Digest, remaining page, and OperationSubmitted: the operation is complete when the transaction commits. */
  async finish(): Promise<string> {
    if (this.inline && this.pages > 0) throw new Error('a plan is either inline or paged');
    if (this.pending.length > 0) await this.flushPage();
    const digest = this.digest.digest();
    await this.manager.update(OperationRow, { operationId: this.header.operationId }, { planDigest: digest });
    await this.outbox.add(
      this.manager,
      Topics.operationEvents,
      this.header.operationId,
      buildEnvelope(
        {
          operationSubmitted: {
            operationId: this.header.operationId,
            clientRequestId: this.header.clientRequestId,
            plan: { operationType: this.header.operationType, items: this.inline ?? [], digest, executionOptions: this.header.executionOptions },
            decisionId: this.header.decisionId,
            policyVersion: this.header.policyVersion ?? '',
            approvalPolicy: this.header.approvalPolicy,
            itemCount: this.accepted,
            pageCount: this.pages,
          },
        },
        { actor: this.header.actor, producer: 'intake', aggregateId: this.header.operationId },
      ),
    );
    return digest;
  }

  /** Once a plan outgrows the inline limit, what was inline moves to the pages. */
  private async queuePage(plan: operationV1.ItemPlan, bytes: number): Promise<void> {
    if (this.inline) {
      const moved = this.inline;
      this.inline = undefined;
      for (const earlier of moved) await this.queuePage(earlier, operationV1.ItemPlan.encode(earlier).finish().length);
    }
    if (this.pending.length > 0 && this.pendingBytes + bytes > PLAN_EVENT_BYTES) await this.flushPage();
    this.pending.push(plan);
    this.pendingBytes += bytes;
    if (this.pending.length >= INLINE_PLAN_ITEMS) await this.flushPage();
  }

  private async flushPage(): Promise<void> {
    this.pages += 1;
    this.pendingBytes = 0;
    const items = this.pending.splice(0, this.pending.length);
    await this.outbox.add(
      this.manager,
      Topics.operationEvents,
      this.header.operationId,
      buildEnvelope(
        { operationPlanPage: { operationId: this.header.operationId, pageNumber: this.pages, items } },
        { actor: this.header.actor, producer: 'intake', aggregateId: this.header.operationId },
      ),
    );
  }
}

function itemRow(operationId: string, plan: operationV1.ItemPlan): Partial<OperationItemRow> {
  return {
    itemId: plan.itemId,
    operationId,
    rowNumber: plan.rowNumber,
    serverId: plan.spec!.serverId,
    spec: operationV1.OperationItemSpec.toJSON(plan.spec!) as object,
    change: operationV1.MtChange.toJSON(plan.change!) as object,
    revert: plan.revert ? (operationV1.MtChange.toJSON(plan.revert) as object) : null,
    warnings: plan.warnings,
    before: plan.before,
    after: plan.after,
    status: 'PENDING',
  };
}
