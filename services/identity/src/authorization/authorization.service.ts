import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { OutboxAccessDeniedRecorder } from '@tradewarden/messaging';
import type { commonV1 } from '@tradewarden/proto';
import { IdentityError } from '../identity-errors';
import { InvalidMoneyError, moneyFacts, parseMoney, totalsByCurrency, type MoneyValue } from './authorization-amounts';
import { scopedPermission, shortPermission } from './grant';
import { PolicyStore } from './policy-store.service';

export interface AuthorizationResult {
  allowed: boolean;
  reason: string;
  decisionId: string;
  policyVersion: string;
}

type Money = { amount: string; currency: string };

/** The item attributes of an Authorize request, as the caller knows them (see identity.proto ResourceAttributes). */
export interface ResourceAttributes {
  group: string;
  amount?: Money;
  operationTotals: readonly Money[];
  submittedToday: readonly Money[];
}

export interface BatchRequest {
  action: string;
  operationType: string;
  items: readonly { serverId: string; group: string; amount?: Money }[];
  operationTotals: readonly Money[];
  submittedToday: readonly Money[];
  /** Answer under this decision id (a later part of one operation's batch). */
  continuesDecisionId?: string;
}

export interface BatchResult {
  itemDenials: number[];
  denialReasons: string[];
  decisionId: string;
  policyVersion: string;
  allowedCount: number;
  deniedCount: number;
}

export const MAX_BATCH_ITEMS = 100_000;
// An AccessDenied event names the first few distinct reasons of a batch; all of them are in the answer.
const REASONS_IN_EVENT = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(error: unknown): never {
  if (error instanceof InvalidMoneyError) throw new IdentityError('INVALID_REQUEST', error.message);
  throw error;
}

/** Answers Authorize and AuthorizeBatch for every service. Denials become AccessDenied events for the audit trail. */
@Injectable()
export class AuthorizationService {
  private readonly logger = new Logger(AuthorizationService.name);

  constructor(
    private readonly policies: PolicyStore,
    private readonly denials: OutboxAccessDeniedRecorder,
  ) {}

  async authorize(
    actor: commonV1.Actor,
    query: { action: string; operationType: string; serverId: string; resource?: ResourceAttributes },
    caller: { service: string; method: string },
  ): Promise<AuthorizationResult> {
    let item: { group: string; money?: ReturnType<typeof moneyFacts> } | undefined;
    try {
      if (query.resource) {
        const { amount, group } = query.resource;
        item = {
          group,
          money: amount
            ? moneyFacts(parseMoney(amount, 'resource.amount'), totalsByCurrency(query.resource.operationTotals, 'resource.operation_totals'), totalsByCurrency(query.resource.submittedToday, 'resource.submitted_today'))
            : undefined,
        };
      }
    } catch (error) {
      invalid(error);
    }
    const snapshot = await this.policies.current();
    const decision = snapshot.authorizer.decide({
      principal: { subject: actor.subject, roles: actor.roles },
      action: query.action,
      operationType: query.operationType,
      serverId: query.serverId,
      serverTags: snapshot.tagsOf(query.serverId),
      item,
    });
    const decisionId = randomUUID();
    if (!decision.allowed) {
      await this.denials.recordDenied({ service: caller.service, method: caller.method, code: 'PERMISSION_DENIED', reason: decision.reason, actor, decisionId });
    }
    return { allowed: decision.allowed, reason: decision.allowed ? '' : decision.reason, decisionId, policyVersion: snapshot.authorizer.version };
  }

  async authorizeBatch(actor: commonV1.Actor, request: BatchRequest, caller: { service: string; method: string }): Promise<BatchResult> {
    if (request.items.length > MAX_BATCH_ITEMS) throw new IdentityError('INVALID_REQUEST', `at most ${MAX_BATCH_ITEMS} items per request, got ${request.items.length}`);
    if (request.continuesDecisionId && !UUID.test(request.continuesDecisionId)) throw new IdentityError('INVALID_REQUEST', 'continues_decision_id must be a decision id (UUID)');
    let items: { serverId: string; group: string; amount?: MoneyValue }[];
    let operationTotals: ReturnType<typeof totalsByCurrency>;
    let submittedToday: ReturnType<typeof totalsByCurrency>;
    try {
      items = request.items.map((item, index) => ({ serverId: item.serverId, group: item.group, amount: item.amount ? parseMoney(item.amount, `items[${index}].amount`) : undefined }));
      operationTotals = totalsByCurrency(request.operationTotals, 'operation_totals');
      submittedToday = totalsByCurrency(request.submittedToday, 'submitted_today');
    } catch (error) {
      invalid(error);
    }
    const started = performance.now();
    const snapshot = await this.policies.current();
    const decision = snapshot.authorizer.decideBatch({
      principal: { subject: actor.subject, roles: actor.roles },
      action: request.action,
      operationType: request.operationType,
      items,
      operationTotals,
      submittedToday,
      serverTags: snapshot.tagsOf,
    });
    this.logger.debug(`batch of ${items.length} item(s): ${decision.evaluations} Cedar evaluation(s), ${(performance.now() - started).toFixed(1)} ms`);
    const decisionId = request.continuesDecisionId || randomUUID();
    if (decision.deniedCount > 0) {
      const shown = decision.reasons.slice(0, REASONS_IN_EVENT).join('; ');
      const more = decision.reasons.length > REASONS_IN_EVENT ? ` (and ${decision.reasons.length - REASONS_IN_EVENT} more reasons)` : '';
      await this.denials.recordDenied({
        service: caller.service,
        method: caller.method,
        code: 'PERMISSION_DENIED',
        reason: `${decision.deniedCount} of ${items.length} items of ${request.operationType} denied: ${shown}${more}`,
        actor,
        decisionId,
      });
    }
    return {
      itemDenials: decision.itemDenials,
      denialReasons: decision.reasons,
      decisionId,
      policyVersion: snapshot.authorizer.version,
      allowedCount: decision.allowedCount,
      deniedCount: decision.deniedCount,
    };
  }

  async permissionsOf(roles: readonly string[]): Promise<{ permissions: string[]; scopedPermissions: string[] }> {
    const { grants } = await this.policies.current();
    const held = grants.filter((grant) => roles.includes(grant.role));
    return { permissions: [...new Set(held.map(shortPermission))].sort(), scopedPermissions: held.map(scopedPermission).sort() };
  }
}
