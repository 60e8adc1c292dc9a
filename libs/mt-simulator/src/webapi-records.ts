import { DecimalAmount } from '@tradewarden/money';
import type { SimAccount, SimDeal, SimOrder, SimPosition, SimSymbol } from './simulator-state';

// The Web API's JSON records (docs/metatrader-apis.md 1.5): every scalar is a string, money at the group's digits.

const formatMinor = (units: bigint, digits: number) => DecimalAmount.fromUnits(units, digits).toString();

/** The obsolete combined `Name` the Web API still sends beside FirstName/LastName. */
export function displayName(account: Pick<SimAccount, 'firstName' | 'middleName' | 'lastName'>): string {
  return [account.firstName, account.middleName, account.lastName].filter(Boolean).join(' ');
}

export function userRecord(account: SimAccount): Record<string, string> {
  return {
    Login: account.login.toString(),
    Group: account.group,
    Name: displayName(account),
    FirstName: account.firstName,
    LastName: account.lastName,
    MiddleName: account.middleName,
    Company: account.company,
    Email: account.email,
    Phone: account.phone,
    Country: account.country,
    City: account.city,
    State: account.region,
    ZipCode: account.zipCode,
    Address: account.address,
    ID: account.documentId,
    Status: account.status,
    Comment: account.comment,
    Agent: account.agent.toString(),
    Leverage: String(account.leverage),
    Rights: String(account.rights),
    Balance: formatMinor(account.balance, account.currencyDigits),
    Credit: formatMinor(account.credit, account.currencyDigits),
    Registration: String(account.registration),
    LastAccess: String(account.lastAccess),
    LastPassChange: String(account.lastPassChange),
  };
}

export function tradeAccountRecord(account: SimAccount): Record<string, string> {
  const equity = account.balance + account.credit;
  const free = equity - account.margin;
  const level = account.margin > 0n ? (Number(equity) / Number(account.margin)) * 100 : 0;
  const digits = account.currencyDigits;
  return {
    Login: account.login.toString(),
    Balance: formatMinor(account.balance, digits),
    Credit: formatMinor(account.credit, digits),
    Margin: formatMinor(account.margin, digits),
    MarginFree: formatMinor(free, digits),
    MarginLevel: level.toFixed(2),
    Equity: formatMinor(equity, digits),
    Profit: formatMinor(0n, digits),
  };
}

/** The price a position closes at now: bid for a buy, ask for a sell. */
export function closingPrice(action: number, symbol: SimSymbol): number {
  return action === 0 ? symbol.bid : symbol.bid + symbol.spread * 10 ** -symbol.digits;
}

/** The price a pending order is compared with now: ask for buy orders (even types), bid for sell orders. */
export function orderComparisonPrice(type: number, symbol: SimSymbol): number {
  return type % 2 === 0 ? symbol.bid + symbol.spread * 10 ** -symbol.digits : symbol.bid;
}

export function positionRecord(position: SimPosition, symbol: SimSymbol): Record<string, string> {
  const current = closingPrice(position.action, symbol);
  const direction = position.action === 0 ? 1 : -1;
  const profit = ((current - position.priceOpen) * direction * symbol.contractSize * position.volume) / 10000;
  const price = (value: number) => value.toFixed(symbol.digits);
  return {
    Position: position.position.toString(),
    Login: position.login.toString(),
    Symbol: position.symbol,
    Action: String(position.action),
    Digits: String(symbol.digits),
    Volume: String(position.volume),
    PriceOpen: price(position.priceOpen),
    PriceCurrent: price(current),
    PriceSL: price(position.priceSL),
    PriceTP: price(position.priceTP),
    Profit: profit.toFixed(2),
    Storage: '0.00',
    Comment: position.comment ?? '',
    TimeCreate: String(position.timeCreate),
    TimeUpdate: String(position.timeUpdate ?? position.timeCreate),
  };
}

export function orderRecord(order: SimOrder, symbol: SimSymbol): Record<string, string> {
  const price = (value: number) => value.toFixed(symbol.digits);
  return {
    Order: order.order.toString(),
    Login: order.login.toString(),
    Symbol: order.symbol,
    Digits: String(symbol.digits),
    Type: String(order.type),
    State: String(order.state),
    PriceOrder: price(order.priceOrder),
    PriceCurrent: price(orderComparisonPrice(order.type, symbol)),
    PriceSL: price(order.priceSL),
    PriceTP: price(order.priceTP),
    VolumeInitial: String(order.volumeInitial),
    VolumeCurrent: String(order.volumeCurrent),
    TimeSetup: String(order.timeSetup),
    Comment: order.comment,
  };
}

export function dealRecord(deal: SimDeal, digits: number): Record<string, string> {
  return {
    Deal: deal.deal.toString(),
    Login: deal.login.toString(),
    Action: String(deal.action),
    Time: String(Math.floor(deal.timeMsc / 1000)),
    TimeMsc: String(deal.timeMsc),
    Profit: formatMinor(deal.profit, digits),
    Comment: deal.comment,
    Symbol: '',
  };
}
