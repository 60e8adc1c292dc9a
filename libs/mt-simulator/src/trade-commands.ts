import { matchesGroupMask, MtDealAction, MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import type { SimOrder, SimPosition, SimulatorState } from './simulator-state';
import { dealRecord, orderRecord } from './webapi-records';
import { type CommandHandler, type CommandInput, done, fail, parseDecimal, parseTicket, parseTicketList, scalarText } from './webapi-command';

/** 32 characters including the terminator, so 31 usable (docs/metatrader-apis.md 1.8). */
const COMMENT_MAX = 31;
const MAX_BALANCE_OPERATION_MINOR = 10_000_000_00n;
const BALANCE_TYPES: readonly number[] = [MtDealAction.BALANCE, MtDealAction.CREDIT, MtDealAction.CHARGE, MtDealAction.CORRECTION, MtDealAction.BONUS];

/**
 * The one selector a batch read takes (login=, group= as a mask, or ticket=) as a filter over this server's trades, with
 * the optional symbol= filter; undefined when the selector is missing, doubled or malformed.
 */
function batchFilter(input: CommandInput, state: SimulatorState): ((trade: { login: bigint; symbol: string }, ticket: bigint) => boolean) | undefined {
  const selectors = ['login', 'group', 'ticket'].filter((key) => input.query.get(key) !== null);
  if (selectors.length !== 1) return undefined;
  const symbol = input.query.get('symbol');
  const bySymbol = (trade: { symbol: string }) => !symbol || trade.symbol === symbol;
  if (selectors[0] === 'group') {
    const mask = input.query.get('group')!;
    return (trade) => bySymbol(trade) && matchesGroupMask(mask, state.accounts.get(trade.login)?.group ?? '');
  }
  const list = parseTicketList(input.query.get(selectors[0]!) ?? undefined);
  if (!list) return undefined;
  const wanted = new Set(list);
  return selectors[0] === 'login' ? (trade) => bySymbol(trade) && wanted.has(trade.login) : (trade, ticket) => bySymbol(trade) && wanted.has(ticket);
}

const positionGetBatch: CommandHandler = (input, { state }) => {
  const filter = batchFilter(input, state);
  if (!filter) return fail(MtRetcode.ERR_PARAMS);
  return done([...state.positions.values()].filter((position) => filter(position, position.position)).map((position) => state.positionRecord(position)));
};

/** /api/position/get?login&symbol: the account's (first) position in the symbol. */
const positionGet: CommandHandler = (input, { state }) => {
  const login = parseTicket(input.query.get('login') ?? undefined);
  const symbol = input.query.get('symbol');
  if (login === undefined || !symbol) return fail(MtRetcode.ERR_PARAMS);
  const position = [...state.positions.values()].find((candidate) => candidate.login === login && candidate.symbol === symbol);
  return position ? done(state.positionRecord(position)) : fail(MtRetcode.ERR_NOTFOUND);
};

/**
 * /api/position/update, body keyed by `Position`: edits the record as a back-office correction, without the trade rules
 * a dealer request (POS_MODIFY) checks [I]. Fields absent stay; a price that is not a price is refused with 3 [I].
 */
const positionUpdate: CommandHandler = (input, { state }) => {
  const body = input.bodyObject;
  const ticket = parseTicket(scalarText(body?.['Position']));
  if (!body || ticket === undefined) return fail(MtRetcode.ERR_PARAMS);
  // Positions of another server's accounts are not on this one: 13, as on a real cluster.
  const position = state.positions.get(ticket);
  if (!position) return fail(MtRetcode.ERR_NOTFOUND);
  const changes: Partial<SimPosition> = {};
  for (const [json, key] of [
    ['PriceSL', 'priceSL'],
    ['PriceTP', 'priceTP'],
    ['PriceOpen', 'priceOpen'],
  ] as const) {
    if (!(json in body)) continue;
    const price = parseDecimal(scalarText(body[json]));
    if (price === undefined || price < 0) return fail(MtRetcode.ERR_PARAMS);
    changes[key] = price;
  }
  if ('Comment' in body) {
    const comment = scalarText(body['Comment']);
    if (comment === undefined) return fail(MtRetcode.ERR_PARAMS);
    changes.comment = comment.slice(0, COMMENT_MAX);
  }
  Object.assign(position, changes, { timeUpdate: Math.floor(Date.now() / 1000) });
  return done(state.positionRecord(position));
};

const orderGetBatch: CommandHandler = (input, { state }) => {
  const filter = batchFilter(input, state);
  if (!filter) return fail(MtRetcode.ERR_PARAMS);
  return done([...state.orders.values()].filter((order: SimOrder) => filter(order, order.order)).map((order) => orderRecord(order, state.symbols.get(order.symbol)!)));
};

/**
 * /api/order/update, body keyed by `Order`: edits an open (pending) order's record, like position/update without the
 * checks a dealer request (ORD_MODIFY) would make [I]. Fields absent stay; a price that is not a price is 3; an order
 * that is not open on this server (filled, cancelled, never placed, or another server's) is 13.
 */
const orderUpdate: CommandHandler = (input, { state }) => {
  const body = input.bodyObject;
  const ticket = parseTicket(scalarText(body?.['Order']));
  if (!body || ticket === undefined) return fail(MtRetcode.ERR_PARAMS);
  const order = state.orders.get(ticket);
  if (!order) return fail(MtRetcode.ERR_NOTFOUND);
  const changes: Partial<SimOrder> = {};
  for (const [json, key] of [
    ['PriceOrder', 'priceOrder'],
    ['PriceSL', 'priceSL'],
    ['PriceTP', 'priceTP'],
  ] as const) {
    if (!(json in body)) continue;
    const price = parseDecimal(scalarText(body[json]));
    if (price === undefined || price < 0 || (key === 'priceOrder' && price === 0)) return fail(MtRetcode.ERR_PARAMS);
    changes[key] = price;
  }
  if ('Comment' in body) {
    const comment = scalarText(body['Comment']);
    if (comment === undefined) return fail(MtRetcode.ERR_PARAMS);
    changes.comment = comment.slice(0, COMMENT_MAX);
  }
  Object.assign(order, changes);
  return done(orderRecord(order, state.symbols.get(order.symbol)!));
};

const dealGetBatch: CommandHandler = (input, { state }) => {
  const login = parseTicket(input.query.get('login') ?? undefined);
  if (login === undefined) return fail(MtRetcode.ERR_PARAMS);
  const account = state.accounts.get(login);
  // Deals outlive their account (history is kept after user/delete): two decimals when the account is gone.
  const digits = account?.currencyDigits ?? 2;
  if (!account && !state.deals.some((deal) => deal.login === login)) return fail(MtRetcode.ERR_NOTFOUND);
  const from = Number(input.query.get('from') ?? '0') * 1000;
  const to = input.query.get('to') ? Number(input.query.get('to')) * 1000 + 999 : Number.MAX_SAFE_INTEGER;
  return done(state.deals.filter((deal) => deal.login === login && deal.timeMsc >= from && deal.timeMsc <= to).map((deal) => dealRecord(deal, digits)));
};

/**
 * /api/trade/balance?login&type&balance&comment[&check_margin=0|1]: one deal per accepted call. Withdrawals never go
 * above the balance (or, for credit, above the credit issued), whatever check_margin says; with check_margin on (the
 * default) they must also leave free margin, except a correction, which may push the account into stop-out.
 */
const tradeBalance: CommandHandler = (input, { state }) => {
  const login = parseTicket(input.text('Login'));
  if (login === undefined) return fail(MtRetcode.ERR_PARAMS);
  const account = state.accounts.get(login);
  if (!account) return fail(MtRetcode.ERR_NOTFOUND);
  const type = Number(input.text('Type'));
  if (!BALANCE_TYPES.includes(type)) return fail(MtRetcode.ERR_PARAMS);
  const comment = input.text('Comment') ?? '';
  let amount: bigint;
  try {
    amount = DecimalAmount.parse(input.text('Balance') ?? '', account.currencyDigits).units;
  } catch {
    return fail(MtRetcode.ERR_PARAMS);
  }
  if (amount === 0n || comment.length > COMMENT_MAX) return fail(MtRetcode.ERR_PARAMS);
  if ((amount < 0n ? -amount : amount) > MAX_BALANCE_OPERATION_MINOR) return fail(MtRetcode.TRADE_MAX_MONEY);
  if (amount < 0n) {
    const available = type === MtDealAction.CREDIT ? account.credit : account.balance;
    if (available + amount < 0n) return fail(MtRetcode.REQUEST_NO_MONEY);
    const free = account.balance + account.credit - account.margin;
    if (type !== MtDealAction.CORRECTION && input.text('CheckMargin', 'check_margin') !== '0' && free + amount < 0n) return fail(MtRetcode.REQUEST_NO_MONEY);
  }
  const deal = state.bookBalanceDeal(account, type, amount, comment);
  return done({ Ticket: deal.deal.toString() });
};

export const TRADE_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  '/api/position/get': positionGet,
  '/api/position/get_batch': positionGetBatch,
  '/api/position/update': positionUpdate,
  '/api/order/get_batch': orderGetBatch,
  '/api/order/update': orderUpdate,
  '/api/deal/get_batch': dealGetBatch,
  '/api/trade/balance': tradeBalance,
};
