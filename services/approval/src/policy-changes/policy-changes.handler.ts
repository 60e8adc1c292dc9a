import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { applyPlatformChange, itemExecutedOf, PLATFORM_TARGETS, policySettingsOf, type PlatformChangeOutcome } from '@tradewarden/platform-change';
import type { eventsV1, operationV1 } from '@tradewarden/proto';
import { databaseRefusal, NamedPolicyStore } from './policy-store';

/**
 * Applies the approved items of approval_policy.set / approval_policy.delete operations that intake sends to the
 * approval service (server id "tradewarden-approval" on the platform change-commands topic), in the consumer's
 * transaction: the policy rows, their ItemExecuted results (outbox) and the processed event id commit together, so a
 * redelivered command changes nothing and reports nothing twice. Policies change only this way (and through migrations).
 * Submissions read the policies in their own transactions, so the next submission after the commit uses the change.
 */
@Injectable()
export class PolicyChangesHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(PolicyChangesHandler.name);

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const request = envelope.executionRequested;
    // The topic carries identity's commands too.
    if (!request || request.serverId !== PLATFORM_TARGETS.approval) return;
    const results: eventsV1.ItemExecuted[] = [];
    for (const item of request.items) {
      const { outcome, name } = await this.apply(item, manager);
      if (outcome.status !== 'APPLIED') this.logger.warn(`operation ${request.operationId} item ${item.itemId}: ${outcome.status} ${outcome.errorCode} ${outcome.errorMessage}`);
      results.push(itemExecutedOf(request, item.itemId, outcome, name));
    }
    await this.outbox.addAll(
      manager,
      results.map((itemExecuted) => ({
        topic: Topics.executionResults,
        key: request.operationId,
        envelope: buildEnvelope({ itemExecuted }, { actor: envelope.actor, producer: 'approval', aggregateId: request.operationId }),
      })),
    );
    this.messaging.publishSoon();
  }

  private async apply(item: operationV1.ItemPlan, manager: EntityManager): Promise<{ outcome: PlatformChangeOutcome; name: string }> {
    const change = item.change?.approvalPolicyChange;
    if (!change?.policy?.name) {
      return { outcome: { status: 'FAILED', before: {}, after: {}, errorCode: 'INVALID_CHANGE', errorMessage: 'change.approval_policy_change.policy.name: required for items sent to tradewarden-approval' }, name: '' };
    }
    const policy = change.policy;
    const store = await NamedPolicyStore.lock(manager, policy.name);
    const outcome = await applyPlatformChange(item, {
      read: () => store.state(),
      write: () => (change.remove ? store.remove() : store.set(policySettingsOf(policy))),
      // A savepoint: a refused or mismatching write is undone without aborting the consumer's transaction.
      atomically: (fn) => manager.transaction(() => fn()),
      refusal: databaseRefusal,
    });
    return { outcome, name: policy.name };
  }
}
