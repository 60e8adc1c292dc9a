import { accountSnapshot, canonicalChangeSet, CONTEXT_FIELDS, type RecordKind } from '@tradewarden/mt-change';
import { DecimalAmount } from '@tradewarden/money';
import { operationV1, type commonV1 } from '@tradewarden/proto';
import { CURRENCY_DIGITS } from './field-rules';
import type { Issue, LiveView, PlannedItem, PlanOutcome } from './operation-type';

const pick = (snapshot: Readonly<Record<string, string>>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((field) => snapshot[field] !== undefined).map((field) => [field, snapshot[field]!]));

/**
 * The plan of a record update: before holds the record's context and the fields set (from the live snapshot), after the
 * same with the new values, and the revert change sets the fields back to what they are now.
 */
export function recordUpdatePlan(
  kind: RecordKind,
  snapshot: Readonly<Record<string, string>>,
  set: Readonly<Record<string, string>>,
  changeOf: (set: Record<string, string>) => operationV1.MtChange,
  warnings: Issue[] = [],
): PlannedItem {
  const canonical = canonicalChangeSet(kind, set);
  const before = pick(snapshot, [...new Set([...CONTEXT_FIELDS[kind], ...Object.keys(canonical)])]);
  return {
    before,
    after: { ...before, ...canonical },
    change: changeOf(canonical),
    revert: changeOf(pick(snapshot, Object.keys(canonical))),
    warnings,
  };
}

export const accountUpdate = (login: string) => (set: Record<string, string>): operationV1.MtChange => ({ accountUpdate: { login, set } });
export const groupUpdate = (group: string) => (set: Record<string, string>): operationV1.MtChange => ({ groupUpdate: { group, set } });
export const symbolUpdate = (symbol: string) => (set: Record<string, string>): operationV1.MtChange => ({ symbolUpdate: { symbol, set } });

export const notFound = (field: string, what: string, serverId: string): PlanOutcome => ({
  errors: [{ field, code: `${what.split(' ')[0]!.toUpperCase()}_NOT_FOUND`, message: `${what} does not exist on ${serverId}` }],
});

/** An item that changes nothing is still valid (the approver sees it), but said so. */
export function unchangedWarning(at: string, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): Issue[] {
  const changed = Object.keys(after).some((field) => after[field] !== before[field]);
  return changed ? [] : [{ field: at, code: 'NO_CHANGE', message: 'the live values already are the ones asked for' }];
}

export interface BalanceMovement {
  login: string;
  amount: commonV1.Money;
  /** Which figure moves and which way. */
  account: 'balance' | 'credit';
  direction: 'in' | 'out';
}

/**
 * Whether a movement's rules use the account's free margin (a withdrawal from the balance must leave it), so that its
 * live read asks for it; no other rule does, and on MT5 reading it costs a request per account.
 */
export function usesFreeMargin(movement: Pick<BalanceMovement, 'account' | 'direction'>): boolean {
  return movement.account === 'balance' && movement.direction === 'out';
}

/**
 * Balance and credit movements: the account exists in the amount's currency; money going out is there to go (balance
 * and free margin for a withdrawal, credit issued for credit out). Before and after show who it is and its money.
 */
export function balancePlan(movement: BalanceMovement, live: LiveView, at: string): PlanOutcome {
  const account = live.account(movement.login);
  if (!account) return notFound(`${at}.login`, `account ${movement.login}`, live.serverId);
  const currency = account.balance?.currency ?? '';
  if (currency !== movement.amount.currency) {
    return { errors: [{ field: `${at}.amount.currency`, code: 'CURRENCY_MISMATCH', message: `account ${movement.login} is in ${currency || 'an unknown currency'}, not ${movement.amount.currency}` }] };
  }
  const digits = CURRENCY_DIGITS[currency] ?? 2;
  const amount = DecimalAmount.parse(movement.amount.amount, digits);
  const balance = DecimalAmount.parse(account.balance!.amount, 8);
  const credit = DecimalAmount.parse(account.credit?.amount ?? '0', 8);
  const errors: Issue[] = [];
  if (movement.direction === 'out') {
    if (movement.account === 'credit' && amount.compare(credit) > 0) {
      errors.push({ field: `${at}.amount.amount`, code: 'INSUFFICIENT_CREDIT', message: `account ${movement.login} has ${credit.format(digits)} ${currency} of credit` });
    }
    if (movement.account === 'balance') {
      if (amount.compare(balance) > 0) errors.push({ field: `${at}.amount.amount`, code: 'INSUFFICIENT_BALANCE', message: `account ${movement.login} has a balance of ${balance.format(digits)} ${currency}` });
      // Unset where the platform does not report it (MT4): the server's own check at execution is then the only one.
      const free = usesFreeMargin(movement) && account.marginFree ? DecimalAmount.parse(account.marginFree.amount, 8) : undefined;
      if (free && amount.compare(free) > 0) {
        errors.push({ field: `${at}.amount.amount`, code: 'INSUFFICIENT_FREE_MARGIN', message: `account ${movement.login} has ${free.format(digits)} ${currency} of free margin` });
      }
    }
  }
  if (errors.length > 0) return { errors };
  const signed = movement.direction === 'in' ? amount : amount.negated();
  const before = { login: account.login, group: account.group, currency, balance: balance.format(digits), credit: credit.format(digits) };
  const after = { ...before, [movement.account]: (movement.account === 'balance' ? balance : credit).plus(signed).format(digits) };
  const dealType = movement.account === 'credit' ? operationV1.BalanceDealType.BALANCE_DEAL_TYPE_CREDIT : operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE;
  const change = (value: DecimalAmount): operationV1.MtChange => ({ balance: { login: account.login, dealType, amount: value.format(digits), currency } });
  return { planned: { before, after, change: change(signed), revert: change(signed.negated()), warnings: [] } };
}

export function accountFields(live: LiveView, login: string): Record<string, string> | undefined {
  const account = live.account(login);
  return account && accountSnapshot(account);
}
