import { ServiceTokenProvider } from '@tradewarden/auth';
import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { ServiceClient } from '@tradewarden/grpc';
import { identityV1, type commonV1 } from '@tradewarden/proto';
import { splitBatch, sumByCurrency, type Money } from './batch-parts';

/** The caller lacks a permission; the reason names it, the decision id ties the refusal to the audit trail. */
export class PermissionDeniedError extends Error {
  constructor(
    readonly reason: string,
    readonly decisionId: string,
  ) {
    super(reason);
    this.name = 'PermissionDeniedError';
  }
}

export type AuthorizationAction = 'submit' | 'approve' | 'view' | 'cancel' | 'admin';

/** What one item touches and moves (identity.proto ResourceAttributes). */
export interface ItemAttributes {
  /** MT group of the account (for group configuration: the group changed); empty or absent when none. */
  group?: string;
  /** Money the item moves; absent when it moves none. */
  amount?: Money;
  /** Per currency, what the whole operation moves (defaults to the item's own amount). */
  operationTotals?: readonly Money[];
  /** Per currency, what the actor already submitted today in earlier operations of this type (defaults to nothing). */
  submittedToday?: readonly Money[];
}

export interface AuthorizationCheck {
  action: AuthorizationAction;
  operationType: string;
  serverId?: string;
  /**
   * The item. Without it the check is scope-level ("may the actor do this on this server at all"): group masks and
   * limits are not checked. Send it (or use authorizeBatch) before acting on particular accounts.
   */
  item?: ItemAttributes;
}

export interface BatchAuthorizationCheck {
  action: AuthorizationAction;
  operationType: string;
  items: readonly { serverId: string; group?: string; amount?: Money }[];
  /** Per currency, what the whole operation moves; computed from `items` when absent (pass it when `items` is a part). */
  operationTotals?: readonly Money[];
  submittedToday?: readonly Money[];
}

export interface ItemDecision {
  allowed: boolean;
  /** Empty when allowed. */
  reason: string;
}

export interface BatchAuthorizationResult {
  /** One per item, in order. */
  decisions: ItemDecision[];
  allowedCount: number;
  deniedCount: number;
  /** One decision for the whole batch, also when it travelled in several requests. */
  decisionId: string;
  policyVersion: string;
}

/** The denials of a batch, for callers that refuse the whole operation when any item is denied. */
export class BatchPermissionDeniedError extends PermissionDeniedError {
  constructor(readonly result: BatchAuthorizationResult) {
    const denied = result.decisions.map((decision, index) => ({ index, reason: decision.reason })).filter((_, index) => !result.decisions[index]!.allowed);
    const first = denied.slice(0, 3).map((item) => `items[${item.index}]: ${item.reason}`);
    super(`${result.deniedCount} of ${result.decisions.length} items denied: ${first.join('; ')}${denied.length > 3 ? '; ...' : ''}`, result.decisionId);
    this.name = 'BatchPermissionDeniedError';
  }
}

// A grant change between the parts of a large batch gives them different policy versions; the batch is asked again
// so that one version decides it all. Grants change rarely, so a second change during the retry is not waited out.
const BATCH_ATTEMPTS = 3;

/**
 * Asks the identity service, the one authorization choke point, whether an actor may act. Every service uses this for
 * every permission decision; none decides on roles by itself.
 */
export class AuthorizationClient {
  private readonly client: ServiceClient<typeof identityV1.IdentityServiceService>;

  constructor(identityAddress: string, keycloak: KeycloakConfig, account: ServiceAccountConfig, timeoutMs = 30_000) {
    this.client = new ServiceClient(identityV1.IdentityServiceService, 'IdentityService', identityAddress, new ServiceTokenProvider(keycloak, account), timeoutMs);
  }

  async authorize(actor: commonV1.Actor, check: AuthorizationCheck): Promise<identityV1.AuthorizeResponse> {
    const item = check.item;
    return this.client.call('authorize', {
      actor,
      action: check.action,
      operationType: check.operationType,
      serverId: check.serverId ?? '',
      resource: item && {
        group: item.group ?? '',
        amount: item.amount,
        operationTotals: [...(item.operationTotals ?? [])],
        submittedToday: [...(item.submittedToday ?? [])],
      },
    });
  }

  /** Resolves with the decision when allowed; throws PermissionDeniedError otherwise. */
  async require(actor: commonV1.Actor, check: AuthorizationCheck): Promise<identityV1.AuthorizeResponse> {
    const decision = await this.authorize(actor, check);
    if (!decision.allowed) throw new PermissionDeniedError(decision.reason, decision.decisionId);
    return decision;
  }

  /**
   * Decides every item of an operation at once (up to 100,000 items, checked with group and amount). Items are sent
   * in parts that stay well under gRPC's 4 MB message limit; the parts are answered under the first part's decision
   * id and must share one policy version.
   */
  async authorizeBatch(actor: commonV1.Actor, check: BatchAuthorizationCheck): Promise<BatchAuthorizationResult> {
    const operationTotals = check.operationTotals ? [...check.operationTotals] : sumByCurrency(check.items);
    const parts = splitBatch(check.items);
    for (let attempt = 1; ; attempt += 1) {
      const decisions: ItemDecision[] = [];
      let decisionId = '';
      let policyVersion = '';
      let changed = false;
      for (const part of parts) {
        const answer = await this.client.call('authorizeBatch', {
          actor,
          action: check.action,
          operationType: check.operationType,
          items: part.map((item) => ({ serverId: item.serverId, group: item.group ?? '', amount: item.amount })),
          operationTotals,
          submittedToday: [...(check.submittedToday ?? [])],
          continuesDecisionId: decisionId,
        });
        if (answer.itemDenials.length !== part.length) throw new Error(`identity answered ${answer.itemDenials.length} decisions for ${part.length} items`);
        if (policyVersion && answer.policyVersion !== policyVersion) {
          changed = true;
          break;
        }
        decisionId = answer.decisionId;
        policyVersion = answer.policyVersion;
        for (const denial of answer.itemDenials) decisions.push(denial === 0 ? { allowed: true, reason: '' } : { allowed: false, reason: answer.denialReasons[denial - 1] ?? 'denied' });
      }
      if (changed && attempt < BATCH_ATTEMPTS) continue;
      if (changed) throw new Error(`the policy set changed ${BATCH_ATTEMPTS} times while a batch of ${check.items.length} items was being authorized`);
      const allowedCount = decisions.filter((decision) => decision.allowed).length;
      return { decisions, allowedCount, deniedCount: decisions.length - allowedCount, decisionId, policyVersion };
    }
  }

  /** Resolves with the decision when every item is allowed; throws BatchPermissionDeniedError otherwise. */
  async requireBatch(actor: commonV1.Actor, check: BatchAuthorizationCheck): Promise<BatchAuthorizationResult> {
    const result = await this.authorizeBatch(actor, check);
    if (result.deniedCount > 0) throw new BatchPermissionDeniedError(result);
    return result;
  }

  close(): void {
    this.client.close();
  }
}
