import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import { CEDAR_DECIMAL_SCALE } from './grant';

/** Cedar's decimal is a signed 64-bit count of 1/10,000ths. */
const CEDAR_DECIMAL_MAX_UNITS = 2n ** 63n - 1n;
const CURRENCY = /^[A-Z]{3}$/;
// Money on the wire carries at most the currency's digits; 18 is libs/money's own bound for any amount.
const MAX_WIRE_SCALE = 18;

export class InvalidMoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMoneyError';
  }
}

export interface MoneyValue {
  currency: string;
  amount: DecimalAmount;
}

/** Parses a Money message; `where` names the field in the error (e.g. "items[3].amount"). */
export function parseMoney(money: { amount: string; currency: string }, where: string): MoneyValue {
  if (!CURRENCY.test(money.currency)) throw new InvalidMoneyError(`${where}.currency: "${money.currency}" is not an ISO 4217 code`);
  try {
    // At the scale written, so that sums and messages show the digits the caller sent.
    const written = money.amount.split('.')[1]?.length ?? 0;
    return { currency: money.currency, amount: DecimalAmount.parse(money.amount, Math.min(written, MAX_WIRE_SCALE)) };
  } catch (error) {
    if (error instanceof DecimalFormatError) throw new InvalidMoneyError(`${where}.amount: ${error.message}`);
    throw error;
  }
}

/** Per currency sums (or single values) of a list of Money; a currency named twice is added up. */
export function totalsByCurrency(values: readonly { amount: string; currency: string }[], where: string): Map<string, DecimalAmount> {
  const totals = new Map<string, DecimalAmount>();
  values.forEach((value, index) => {
    const parsed = parseMoney(value, `${where}[${index}]`);
    const magnitude = absolute(parsed.amount);
    const previous = totals.get(parsed.currency);
    totals.set(parsed.currency, previous ? previous.plus(magnitude) : magnitude);
  });
  return totals;
}

export function absolute(amount: DecimalAmount): DecimalAmount {
  return amount.isNegative() ? amount.negated() : amount;
}

/**
 * The amount as Cedar compares it: its magnitude at 4 fraction digits, rounded UP when it has more (0.00001 becomes
 * 0.0001), and capped at Cedar's largest decimal. Both directions are conservative: a limit (itself at most 4 digits
 * and far below the cap) is never passed by rounding or by overflow.
 */
export function toCedarAmount(amount: DecimalAmount): DecimalAmount {
  const magnitude = absolute(amount);
  let units: bigint;
  if (magnitude.scale <= CEDAR_DECIMAL_SCALE) {
    units = magnitude.rescale(CEDAR_DECIMAL_SCALE).units;
  } else {
    const divisor = 10n ** BigInt(magnitude.scale - CEDAR_DECIMAL_SCALE);
    units = (magnitude.units + divisor - 1n) / divisor;
  }
  return DecimalAmount.fromUnits(units > CEDAR_DECIMAL_MAX_UNITS ? CEDAR_DECIMAL_MAX_UNITS : units, CEDAR_DECIMAL_SCALE);
}

/** What one item moves in its currency, with the operation's and the day's totals it counts against. */
export interface MoneyFacts {
  currency: string;
  amount: DecimalAmount;
  operationTotal: DecimalAmount;
  dayTotal: DecimalAmount;
}

/**
 * The facts Cedar sees for an item: the operation total is at least the item itself (or, in a batch, the request's
 * items in that currency), the day total is what was submitted before plus this operation.
 */
export function moneyFacts(item: MoneyValue, operationTotals: ReadonlyMap<string, DecimalAmount>, submittedToday: ReadonlyMap<string, DecimalAmount>, itemsTotal?: DecimalAmount): MoneyFacts {
  const magnitude = absolute(item.amount);
  let operationTotal = operationTotals.get(item.currency) ?? magnitude;
  if (operationTotal.compare(magnitude) < 0) operationTotal = magnitude;
  if (itemsTotal && operationTotal.compare(itemsTotal) < 0) operationTotal = itemsTotal;
  const before = submittedToday.get(item.currency);
  const dayTotal = before ? before.plus(operationTotal) : operationTotal;
  return {
    currency: item.currency,
    amount: toCedarAmount(magnitude),
    operationTotal: toCedarAmount(operationTotal),
    dayTotal: toCedarAmount(dayTotal),
  };
}
