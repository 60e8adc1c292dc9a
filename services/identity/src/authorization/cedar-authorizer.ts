import { preparsePolicySet, statefulIsAuthorized, type EntityJson } from './cedar-wasm';
import type { DecimalAmount } from '@tradewarden/money';
import { absolute, moneyFacts, toCedarAmount, type MoneyFacts, type MoneyValue } from './authorization-amounts';
import { CEDAR_TYPES, type CompiledPolicySet } from './cedar-policy-compiler';
import { limitExceededReason, missingPermissionReason, unknownActionReason } from './denial-reasons';
import { isAction, type Grant } from './grant';

export interface Principal {
  subject: string;
  roles: readonly string[];
}

export interface AuthorizationQuery {
  principal: Principal;
  action: string;
  operationType: string;
  /** Empty when the action is not about one server. */
  serverId: string;
  /** The server's registry tags, from identity's projection of the registry. */
  serverTags: readonly string[];
  /** Present: the request describes an item, so group masks and limits apply. Absent: a scope-level question. */
  item?: { group: string; money?: MoneyFacts };
}

export type Decision = { allowed: true; grants: Grant[] } | { allowed: false; reason: string };

export interface BatchQuery {
  principal: Principal;
  action: string;
  operationType: string;
  items: readonly { serverId: string; group: string; amount?: MoneyValue }[];
  operationTotals: ReadonlyMap<string, DecimalAmount>;
  submittedToday: ReadonlyMap<string, DecimalAmount>;
  serverTags(serverId: string): readonly string[];
}

export interface BatchDecision {
  /** Per item: 0 allowed, n denied for reasons[n - 1]. */
  itemDenials: number[];
  reasons: string[];
  allowedCount: number;
  deniedCount: number;
  /** How many distinct requests Cedar evaluated (the rest shared one of their answers). */
  evaluations: number;
}

const decimalValue = (amount: DecimalAmount) => ({ __extn: { fn: 'decimal', arg: amount.toString() } });

/**
 * Evaluates requests against one compiled policy set with Cedar. The set is preparsed once into the wasm module
 * (keyed by its version), so a request costs one evaluation, not a parse of the policies.
 */
export class CedarAuthorizer {
  private static readonly preparsed = new Set<string>();

  private constructor(readonly policySet: CompiledPolicySet) {}

  static load(policySet: CompiledPolicySet): CedarAuthorizer {
    // Preparsed sets live in the wasm module until the process ends: one per policy version (grants change rarely),
    // so there is nothing worth evicting.
    for (const [id, policies] of [
      [fullSetId(policySet.version), policySet.policies],
      [scopeSetId(policySet.version), policySet.scopePolicies],
    ] as const) {
      if (CedarAuthorizer.preparsed.has(id)) continue;
      const answer = preparsePolicySet(id, { staticPolicies: policies });
      if (answer.type === 'failure') throw new Error(`Cedar refused policy set ${id}: ${answer.errors.map((error) => error.message).join('; ')}`);
      CedarAuthorizer.preparsed.add(id);
    }
    return new CedarAuthorizer(policySet);
  }

  get version(): string {
    return this.policySet.version;
  }

  decide(query: AuthorizationQuery): Decision {
    if (!isAction(query.action)) return { allowed: false, reason: unknownActionReason(query.action) };
    const permitting = this.evaluate(fullSetId(this.version), query);
    if (permitting.length > 0) return { allowed: true, grants: permitting.map((id) => this.policySet.grants.get(id)!.grant) };
    return { allowed: false, reason: this.explainDenial(query) };
  }

  /**
   * Decides every item of a batch. Items alike in server, group and currency whose amounts fall between the same two
   * per-item limits of the policy set share one Cedar evaluation: the compiled policies compare an item's amount
   * only with those limits, and the operation and day totals are the same for every item of a currency, so such
   * items cannot be told apart by the policies (the unit tests hold this against item-by-item evaluation).
   */
  decideBatch(query: BatchQuery): BatchDecision {
    const itemDenials = new Array<number>(query.items.length);
    const reasons: string[] = [];
    if (!isAction(query.action)) {
      reasons.push(unknownActionReason(query.action));
      itemDenials.fill(1);
      return { itemDenials, reasons, allowedCount: 0, deniedCount: query.items.length, evaluations: 0 };
    }
    const facts = this.currencyFacts(query);
    const points = this.policySet.itemLimitPoints.map((point) => point.units);
    const answers = new Map<string, number>();
    const reasonIndex = new Map<string, number>();
    let evaluations = 0;
    let allowedCount = 0;
    // A plain loop, not forEach: V8 (Node 20) crashed deoptimizing a forEach callback frame that had called into the
    // Cedar wasm module ("unreachable code" in Deoptimizer::DoComputeBuiltinContinuation).
    for (let index = 0; index < query.items.length; index += 1) {
      const item = query.items[index]!;
      let money: MoneyFacts | undefined;
      let interval = -1;
      if (item.amount) {
        const shared = facts.get(item.amount.currency)!;
        money = { ...shared, amount: toCedarAmount(item.amount.amount) };
        interval = intervalOf(points, money.amount.units);
      }
      const key = `${item.serverId}\u0000${item.group}\u0000${money?.currency ?? ''}\u0000${interval}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        evaluations += 1;
        const decision = this.decide({
          principal: query.principal,
          action: query.action,
          operationType: query.operationType,
          serverId: item.serverId,
          serverTags: query.serverTags(item.serverId),
          item: { group: item.group, money },
        });
        if (decision.allowed) {
          answer = 0;
        } else {
          answer = reasonIndex.get(decision.reason);
          if (answer === undefined) {
            reasons.push(decision.reason);
            answer = reasons.length;
            reasonIndex.set(decision.reason, answer);
          }
        }
        answers.set(key, answer);
      }
      itemDenials[index] = answer;
      if (answer === 0) allowedCount += 1;
    }
    return { itemDenials, reasons, allowedCount, deniedCount: query.items.length - allowedCount, evaluations };
  }

  /** Per currency of the batch: the operation total (at least the items' sum) and the day total every item shares. */
  private currencyFacts(query: BatchQuery): Map<string, Omit<MoneyFacts, 'amount'>> {
    const sums = new Map<string, DecimalAmount>();
    const largest = new Map<string, MoneyValue>();
    for (const item of query.items) {
      if (!item.amount) continue;
      const magnitude = absolute(item.amount.amount);
      const sum = sums.get(item.amount.currency);
      sums.set(item.amount.currency, sum ? sum.plus(magnitude) : magnitude);
      const top = largest.get(item.amount.currency);
      if (!top || top.amount.compare(magnitude) < 0) largest.set(item.amount.currency, { currency: item.amount.currency, amount: magnitude });
    }
    const facts = new Map<string, Omit<MoneyFacts, 'amount'>>();
    for (const [currency, top] of largest) {
      const shared = moneyFacts(top, query.operationTotals, query.submittedToday, sums.get(currency));
      facts.set(currency, { currency, operationTotal: shared.operationTotal, dayTotal: shared.dayTotal });
    }
    return facts;
  }

  /** Names the limit when a grant's scope allowed the request (its limits denied it), else the missing permission. */
  private explainDenial(query: AuthorizationQuery): string {
    const inScope = this.evaluate(scopeSetId(this.version), query);
    if (inScope.length > 0) {
      const reasons = new Set(inScope.map((id) => limitExceededReason(this.policySet.grants.get(id)!, query.item?.money, query.operationType)));
      return [...reasons].sort().join('; ');
    }
    return missingPermissionReason({ ...query, group: query.item?.group, roles: query.principal.roles });
  }

  /** Ids of the policies that permit the request (empty: denied). */
  private evaluate(setId: string, query: AuthorizationQuery): string[] {
    const principal = { type: CEDAR_TYPES.user, id: query.principal.subject };
    const resource = { type: CEDAR_TYPES.item, id: 'item' };
    const server = query.serverId ? { type: CEDAR_TYPES.server, id: query.serverId } : undefined;
    const attrs: Record<string, string> = { operationType: query.operationType, serverId: query.serverId };
    if (query.item?.group) attrs['group'] = query.item.group;
    const entities: EntityJson[] = [
      { uid: principal, attrs: {}, parents: query.principal.roles.map((role) => ({ type: CEDAR_TYPES.role, id: role })) },
      { uid: resource, attrs, parents: server ? [server] : [] },
    ];
    if (server) entities.push({ uid: server, attrs: {}, parents: query.serverTags.map((tag) => ({ type: CEDAR_TYPES.serverTag, id: tag })) });
    const money = query.item?.money;
    const context = {
      checkItem: query.item !== undefined,
      ...(money
        ? { money: { currency: money.currency, amount: decimalValue(money.amount), operationTotal: decimalValue(money.operationTotal), dayTotal: decimalValue(money.dayTotal) } }
        : {}),
    };
    const answer = statefulIsAuthorized({ principal, action: { type: CEDAR_TYPES.action, id: query.action }, resource, context, entities, preparsedPolicySetId: setId });
    if (answer.type === 'failure') throw new Error(`Cedar could not evaluate the request: ${answer.errors.map((error) => error.message).join('; ')}`);
    return answer.response.decision === 'allow' ? answer.response.diagnostics.reason : [];
  }
}

function fullSetId(version: string): string {
  return `tradewarden-${version}`;
}

function scopeSetId(version: string): string {
  return `tradewarden-${version}-scopes`;
}

/** Index of the first limit point at or above the amount (points.length when above all). */
function intervalOf(points: readonly bigint[], units: bigint): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (points[middle]! < units) low = middle + 1;
    else high = middle;
  }
  return low;
}
