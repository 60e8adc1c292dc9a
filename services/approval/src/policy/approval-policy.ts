import { DecimalAmount } from '@tradewarden/money';
import type { operationV1 } from '@tradewarden/proto';

export interface ApprovalPolicy {
  name: string;
  /** Operation type or glob ("balance.*", "*"). */
  operationTypePattern: string;
  /** AUTO approves without a person; MANUAL waits for requiredApprovals distinct approvers. */
  mode: 'AUTO' | 'MANUAL';
  requiredApprovals: number;
  /** AUTO applies only while the operation's total per currency stays at or below this amount (null: no cap). */
  maxTotalPerCurrency: string | null;
  /** Lower is considered first. */
  priority: number;
}

const globMatches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/**
 * Money the plan moves per currency, in or out (the balance changes the gateway would book, as absolute amounts);
 * operations that move no money have none.
 */
export function totalsPerCurrency(plan: Pick<operationV1.OperationPlan, 'items'>, totals = new Map<string, DecimalAmount>()): Map<string, DecimalAmount> {
  for (const item of plan.items) {
    const balance = item.change?.balance;
    if (!balance) continue;
    const signed = DecimalAmount.parse(balance.amount, 8);
    const amount = signed.isNegative() ? signed.negated() : signed;
    totals.set(balance.currency, (totals.get(balance.currency) ?? DecimalAmount.zero(8)).plus(amount));
  }
  return totals;
}

/**
 * The policy in force for a plan: the first by priority whose type pattern matches and whose amount cap (if any) the
 * plan stays within. With no match the operation needs one manual approval: nothing is auto-approved by default.
 */
export function choosePolicy(
  policies: readonly ApprovalPolicy[],
  plan: Pick<operationV1.OperationPlan, 'operationType' | 'items'>,
  totals: ReadonlyMap<string, DecimalAmount> = totalsPerCurrency(plan),
  requestedPolicy = '',
): ApprovalPolicy {
  // A template may name the policy for its operations; it applies only to the types it covers.
  const requested = policies.find((policy) => policy.name === requestedPolicy && globMatches(policy.operationTypePattern, plan.operationType));
  if (requested && (requested.maxTotalPerCurrency === null || [...totals.values()].every((total) => total.compare(DecimalAmount.parse(requested.maxTotalPerCurrency!, 8)) <= 0))) {
    return requested;
  }
  const candidates = [...policies].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  for (const policy of candidates) {
    if (!globMatches(policy.operationTypePattern, plan.operationType)) continue;
    if (policy.maxTotalPerCurrency !== null) {
      const cap = DecimalAmount.parse(policy.maxTotalPerCurrency, 8);
      if ([...totals.values()].some((total) => total.compare(cap) > 0)) continue;
    }
    return policy;
  }
  return { name: 'default-manual', operationTypePattern: '*', mode: 'MANUAL', requiredApprovals: 1, maxTotalPerCurrency: null, priority: Number.MAX_SAFE_INTEGER };
}
