import { ChangeFieldError, parseSessions, type TradingSession } from '@tradewarden/mt-change';
import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import type { commonV1 } from '@tradewarden/proto';
import { COUNTRY_CODES } from './country-codes';
import type { Issue } from './operation-type';

// Static field checks shared by the catalogue's types. Each returns the problem with the field, or nothing.

/** Digits after the point per currency (ISO 4217); currencies not listed are refused until added. */
export const CURRENCY_DIGITS: Readonly<Record<string, number>> = { USD: 2, EUR: 2, GBP: 2, CHF: 2, JPY: 0, AUD: 2, CAD: 2, USC: 2 };
/** Tradewarden's ceiling per balance item, well inside MT5's money limit per operation (retcode 4005). */
export const MAX_MONEY_PER_ITEM = DecimalAmount.parse('10000000', 2);

const issue = (field: string, code: string, message: string): Issue => ({ field, code, message });
/** Control characters (C0 and DEL), refused in every text field. */
const hasControl = (value: string) => [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

export function login(value: string, field: string): Issue | undefined {
  if (!value) return issue(field, 'REQUIRED', 'an MT login is required');
  return /^[1-9]\d{0,19}$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be an MT login (digits, no leading zero)');
}

/** MT5 group paths ("real\\retail\\usd"; 63 characters at most); MT4 group names are checked per platform. */
export function groupPath(value: string, field: string): Issue | undefined {
  if (!value) return issue(field, 'REQUIRED', 'a group is required');
  if (value.length > 63 || hasControl(value) || /[*!,?]/.test(value) || value.startsWith('\\') || value.endsWith('\\')) {
    return issue(field, 'FORMAT', 'must be a group path such as "real\\retail\\usd" (no wildcards, at most 63 characters)');
  }
  return undefined;
}

export function symbolName(value: string, field: string): Issue | undefined {
  if (!value) return issue(field, 'REQUIRED', 'a symbol is required');
  return /^[A-Za-z0-9._#+-]{1,31}$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be a symbol name such as "EURUSD" (letters, digits, . _ # + -; at most 31)');
}

/** A symbol path or path mask as groups list them ("Forex\\*", "Metals\\XAUUSD"). */
export function symbolPath(value: string, field: string): Issue | undefined {
  if (!value) return issue(field, 'REQUIRED', 'a symbol path is required');
  return value.length <= 127 && !hasControl(value) && !/[,!]/.test(value) ? undefined : issue(field, 'FORMAT', 'must be a symbol path such as "Forex\\*" (no commas, at most 127)');
}

export function email(value: string, field: string): Issue | undefined {
  if (value === '') return undefined;
  return value.length <= 64 && /^[^\s@"<>]+@[^\s@"<>]+\.[A-Za-z]{2,}$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be an e-mail address (at most 64 characters)');
}

export function country(value: string, field: string): Issue | undefined {
  if (value === '') return undefined;
  return COUNTRY_CODES.has(value) ? undefined : issue(field, 'FORMAT', 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "DE"');
}

export function phone(value: string, field: string): Issue | undefined {
  if (value === '') return undefined;
  return /^\+?[0-9][0-9 ()-]{3,30}$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be a phone number: digits, spaces, ( ) - and an optional leading +, at most 32');
}

export function text(value: string, field: string, maxLength: number, required = false): Issue | undefined {
  if (required && value.trim() === '') return issue(field, 'REQUIRED', 'is required');
  if (value.length > maxLength) return issue(field, 'TOO_LONG', `at most ${maxLength} characters`);
  return hasControl(value) ? issue(field, 'FORMAT', 'must not contain control characters') : undefined;
}

export function leverage(value: number, field: string): Issue | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 1000 ? undefined : issue(field, 'RANGE', 'must be a whole number 1-1000 (1:n)');
}

/** A positive amount in a supported currency, with at most the currency's digits and within the per-item ceiling. */
export function positiveMoney(money: commonV1.Money | undefined, field: string): Issue | undefined {
  if (!money) return issue(field, 'REQUIRED', 'amount is required');
  const digits = CURRENCY_DIGITS[money.currency];
  if (digits === undefined) return issue(`${field}.currency`, 'UNSUPPORTED', `"${money.currency}" is not a supported ISO 4217 currency (${Object.keys(CURRENCY_DIGITS).join(', ')})`);
  try {
    const amount = DecimalAmount.parse(money.amount, digits);
    if (!amount.isPositive()) return issue(`${field}.amount`, 'RANGE', 'must be greater than zero');
    if (amount.compare(MAX_MONEY_PER_ITEM) > 0) return issue(`${field}.amount`, 'RANGE', `at most ${MAX_MONEY_PER_ITEM.toString()} per item`);
  } catch (error) {
    if (!(error instanceof DecimalFormatError)) throw error;
    return issue(`${field}.amount`, 'FORMAT', `${error.message} (${money.currency} has ${digits} digits)`);
  }
  return undefined;
}

/** A decimal, zero or more, with at most eight places (prices, swap rates use signedDecimal). */
export function price(value: string, field: string): Issue | undefined {
  return /^\d{1,12}(\.\d{1,8})?$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be a price such as "1.08450" (zero or more, at most 8 decimals)');
}

export function signedDecimal(value: string, field: string): Issue | undefined {
  return /^-?\d{1,12}(\.\d{1,8})?$/.test(value) ? undefined : issue(field, 'FORMAT', 'must be a decimal such as "-6.80" (at most 8 decimals)');
}

export function intInRange(value: number, field: string, min: number, max: number, meaning = ''): Issue | undefined {
  return Number.isInteger(value) && value >= min && value <= max ? undefined : issue(field, 'RANGE', `must be ${min}-${max}${meaning ? ` (${meaning})` : ''}`);
}

/** Seven days of well-formed sessions that do not overlap within a day. */
export function sessions(value: string, field: string): { days: TradingSession[][] } | { issue: Issue } {
  let days: TradingSession[][];
  try {
    days = parseSessions(value, field);
  } catch (error) {
    if (error instanceof ChangeFieldError) return { issue: issue(field, 'FORMAT', error.message.slice(field.length + 2)) };
    throw error;
  }
  for (const [index, day] of days.entries()) {
    const sorted = [...day].sort((a, b) => a.open - b.open);
    const overlap = sorted.findIndex((session, i) => i > 0 && session.open < sorted[i - 1]!.close);
    if (overlap > 0) return { issue: issue(field, 'OVERLAP', `day ${index}: sessions ${sorted[overlap - 1]!.open}-${sorted[overlap - 1]!.close} and ${sorted[overlap]!.open}-${sorted[overlap]!.close} overlap`) };
  }
  return { days };
}

/** How many digits after the point a decimal has. */
export function decimalPlaces(value: string): number {
  return value.split('.')[1]?.length ?? 0;
}
