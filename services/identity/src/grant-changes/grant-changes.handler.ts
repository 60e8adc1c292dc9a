import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics, type ConsumedEvent, type ConsumedEventHandler } from '@tradewarden/messaging';
import { applyPlatformChange, itemExecutedOf, PLATFORM_TARGETS, requestedGrantLimits, type PlatformChangeOutcome } from '@tradewarden/platform-change';
import type { eventsV1, operationV1 } from '@tradewarden/proto';
import { PolicyStore } from '../authorization/policy-store.service';
import { databaseRefusal, GrantScopeStore } from './grant-scope-store';

/**
 * Applies the approved items of grant.set / grant.revoke operations that intake sends to identity (server id
 * "tradewarden-identity" on the platform change-commands topic), in the consumer's transaction: the grants, their
 * ItemExecuted results (outbox) and the processed event id commit together, so a redelivered command changes nothing
 * and reports nothing twice. Grants change only this way (and through migrations).
 */
@Injectable()
export class GrantChangesHandler implements ConsumedEventHandler {
  private readonly logger = new Logger(GrantChangesHandler.name);

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: PolicyStore,
    private readonly messaging: MessagingRuntime,
  ) {}

  async handle({ envelope }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const request = envelope.executionRequested;
    // The topic carries the approval service's commands too.
    if (!request || request.serverId !== PLATFORM_TARGETS.identity) return;
    const results: eventsV1.ItemExecuted[] = [];
    for (const item of request.items) {
      const { outcome, grantId } = await this.apply(item, manager);
      if (outcome.status !== 'APPLIED') this.logger.warn(`operation ${request.operationId} item ${item.itemId}: ${outcome.status} ${outcome.errorCode} ${outcome.errorMessage}`);
      results.push(itemExecutedOf(request, item.itemId, outcome, grantId ?? ''));
    }
    await this.outbox.addAll(
      manager,
      results.map((itemExecuted) => ({
        topic: Topics.executionResults,
        key: request.operationId,
        envelope: buildEnvelope({ itemExecuted }, { actor: envelope.actor, producer: 'identity', aggregateId: request.operationId }),
      })),
    );
    this.policies.invalidateAfterCommit(manager);
    this.messaging.publishSoon();
  }

  private async apply(item: operationV1.ItemPlan, manager: EntityManager): Promise<{ outcome: PlatformChangeOutcome; grantId: string | undefined }> {
    const change = item.change?.grantChange;
    if (!change?.grant) {
      return { outcome: { status: 'FAILED', before: {}, after: {}, errorCode: 'INVALID_CHANGE', errorMessage: 'change.grant_change.grant: required for items sent to tradewarden-identity' }, grantId: undefined };
    }
    const grant = change.grant;
    const store = await GrantScopeStore.lock(manager, grant);
    const ids: (string | undefined)[] = [];
    const outcome = await applyPlatformChange(item, {
      read: async () => {
        const found = await store.state();
        ids.push(found.grantId);
        return found.state;
      },
      write: () => (change.revoke ? store.revoke() : store.set(requestedGrantLimits(grant))),
      // A savepoint: a refused or mismatching write is undone without aborting the consumer's transaction.
      atomically: (fn) => manager.transaction(() => fn()),
      refusal: databaseRefusal,
    });
    // The grant found first, or the one written (a new grant's id); a revoked grant keeps the id it had.
    const [found, readBack] = ids;
    return { outcome, grantId: (outcome.status === 'APPLIED' ? readBack : undefined) ?? found };
  }
}
