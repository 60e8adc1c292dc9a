import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import type { operationV1 } from '@tradewarden/proto';

export interface FieldError {
  /** Path of the offending field in the request, e.g. "items[2].balance_deposit.amount.amount". */
  field: string;
  code: string;
  message: string;
}

/** Digits after the point per currency (ISO 4217); currencies not listed are refused until added. */
export const CURRENCY_DIGITS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, CHF: 2, JPY: 0, AUD: 2, CAD: 2, USC: 2 };
/** MT5 refuses a single balance operation above its money limit (retcode 4005); stay well inside it. */
export const MAX_DEPOSIT = DecimalAmount.parse('10000000', 2);
export const MAX_ITEMS_PER_SUBMIT = 1000;

const LOGIN = /^[1-9]\d{0,19}$/;
const SERVER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Static checks of a balance deposit submission: everything that needs no live server. */
export function validateDepositRequest(request: {
  clientRequestId: string;
  operationType: string;
  items: readonly operationV1.OperationItemSpec[];
}): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[\x21-\x7e]{1,128}$/.test(request.clientRequestId)) {
    errors.push({ field: 'client_request_id', code: 'REQUIRED', message: 'must be 1-128 printable characters without spaces' });
  }
  if (request.operationType !== 'balance.deposit') {
    errors.push({ field: 'operation_type', code: 'UNSUPPORTED', message: `"${request.operationType}" is not supported yet (supported: balance.deposit)` });
    return errors;
  }
  if (request.items.length === 0) errors.push({ field: 'items', code: 'REQUIRED', message: 'at least one item is required' });
  if (request.items.length > MAX_ITEMS_PER_SUBMIT) {
    errors.push({ field: 'items', code: 'TOO_MANY', message: `at most ${MAX_ITEMS_PER_SUBMIT} items per SubmitOperation (use SubmitBatch for more)` });
  }
  request.items.forEach((item, index) => {
    const at = `items[${index}]`;
    if (!SERVER_ID.test(item.serverId)) errors.push({ field: `${at}.server_id`, code: 'FORMAT', message: 'must be a server registry id (lower-case letters, digits, dashes)' });
    const deposit = item.balanceDeposit;
    if (!deposit) {
      errors.push({ field: `${at}.balance_deposit`, code: 'REQUIRED', message: 'balance.deposit items need balance_deposit params' });
      return;
    }
    if (!LOGIN.test(deposit.login)) errors.push({ field: `${at}.balance_deposit.login`, code: 'FORMAT', message: 'must be an MT login (digits, no leading zero)' });
    if (deposit.comment.length > 64) errors.push({ field: `${at}.balance_deposit.comment`, code: 'TOO_LONG', message: 'at most 64 characters' });
    const money = deposit.amount;
    if (!money) {
      errors.push({ field: `${at}.balance_deposit.amount`, code: 'REQUIRED', message: 'amount is required' });
      return;
    }
    const digits = CURRENCY_DIGITS[money.currency];
    if (digits === undefined) {
      errors.push({ field: `${at}.balance_deposit.amount.currency`, code: 'UNSUPPORTED', message: `"${money.currency}" is not a supported ISO 4217 currency` });
      return;
    }
    try {
      const amount = DecimalAmount.parse(money.amount, digits);
      if (!amount.isPositive()) errors.push({ field: `${at}.balance_deposit.amount.amount`, code: 'RANGE', message: 'a deposit must be greater than zero' });
      else if (amount.compare(MAX_DEPOSIT) > 0) errors.push({ field: `${at}.balance_deposit.amount.amount`, code: 'RANGE', message: `at most ${MAX_DEPOSIT.toString()} per item` });
    } catch (error) {
      if (!(error instanceof DecimalFormatError)) throw error;
      errors.push({ field: `${at}.balance_deposit.amount.amount`, code: 'FORMAT', message: `${error.message} (${money.currency} has ${digits})` });
    }
  });
  return errors;
}
