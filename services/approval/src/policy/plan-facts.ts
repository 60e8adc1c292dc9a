import { canonicalDecimal } from '@tradewarden/mt-change';
import { DecimalAmount } from '@tradewarden/money';
import type { operationV1 } from '@tradewarden/proto';

/** What approval policies look at in a plan: its type, the money it moves, where, on which groups, for how many accounts. */
export interface PlanFacts {
  operationType: string;
  /** Money moved per currency (absolute amounts of the balance changes). */
  totals: ReadonlyMap<string, DecimalAmount>;
  /** Per currency, the most fraction digits its items were written with (2 for "12.00"): how totals are shown. */
  totalDigits: ReadonlyMap<string, number>;
  serverIds: ReadonlySet<string>;
  /** MT groups the items touch; an item that touches none (a symbol change) adds "". */
  groups: ReadonlySet<string>;
  accounts: number;
  items: number;
  warnings: number;
}

/** An amount without the trailing zeros of its 8-digit working scale ("10.01000000" -> "10.01", "100.00000000" -> "100"). */
export function plainAmount(amount: DecimalAmount): string {
  return canonicalDecimal(amount.toString());
}

/** The record a change is about, whatever its kind: every MT change names a login, a group or a symbol. */
function changeTarget(change: operationV1.MtChange | undefined): { login?: string; group?: string } {
  const kind = change && Object.values(change).find((value) => value !== undefined);
  return (kind ?? {}) as { login?: string; group?: string };
}

/**
 * Facts of a plan gathered item by item, so that a 100,000-item plan read page by page is never held whole. Accounts
 * count per server (login 500001 on two servers is two accounts); an account opened without a login counts once each.
 */
export class PlanFactsBuilder {
  private readonly totals = new Map<string, DecimalAmount>();
  private readonly totalDigits = new Map<string, number>();
  private readonly serverIds = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly accounts = new Set<string>();
  private items = 0;
  private warnings = 0;

  add(plans: readonly operationV1.ItemPlan[]): this {
    for (const plan of plans) {
      this.items += 1;
      this.warnings += plan.warnings.length;
      const serverId = plan.spec?.serverId ?? '';
      this.serverIds.add(serverId);
      const target = changeTarget(plan.change);
      this.groups.add(plan.before['group'] ?? target.group ?? plan.change?.accountCreate?.set['group'] ?? '');
      if (plan.change?.accountCreate && !Number(plan.change.accountCreate.login)) this.accounts.add(`${serverId}:new:${plan.rowNumber}`);
      else if (target.login) this.accounts.add(`${serverId}:${target.login}`);
      const balance = plan.change?.balance;
      if (balance) {
        const signed = DecimalAmount.parse(balance.amount, 8);
        const amount = signed.isNegative() ? signed.negated() : signed;
        this.totals.set(balance.currency, (this.totals.get(balance.currency) ?? DecimalAmount.zero(8)).plus(amount));
        const digits = balance.amount.split('.')[1]?.length ?? 0;
        this.totalDigits.set(balance.currency, Math.max(digits, this.totalDigits.get(balance.currency) ?? 0));
      }
    }
    return this;
  }

  facts(operationType: string): PlanFacts {
    return { operationType, totals: this.totals, totalDigits: this.totalDigits, serverIds: this.serverIds, groups: this.groups, accounts: this.accounts.size, items: this.items, warnings: this.warnings };
  }
}

export function planFacts(plan: Pick<operationV1.OperationPlan, 'operationType' | 'items'>): PlanFacts {
  return new PlanFactsBuilder().add(plan.items).facts(plan.operationType);
}

/** What the approve permission is checked on for one item: its server, the MT group it touches, the money it moves. */
export interface ApprovedItem {
  serverId: string;
  group?: string;
  amount?: { amount: string; currency: string };
}

export function approvedItemsOf(plans: readonly operationV1.ItemPlan[]): ApprovedItem[] {
  return plans.map((plan) => {
    const target = changeTarget(plan.change);
    const group = plan.before['group'] ?? target.group ?? plan.change?.accountCreate?.set['group'];
    const balance = plan.change?.balance;
    return {
      serverId: plan.spec?.serverId ?? '',
      ...(group ? { group } : {}),
      ...(balance ? { amount: { amount: balance.amount.replace(/^-/, ''), currency: balance.currency } } : {}),
    };
  });
}
