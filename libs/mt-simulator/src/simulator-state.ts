import { MtDealAction } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';

const formatMinor = (units: bigint, digits: number) => DecimalAmount.fromUnits(units, digits).toString();

export interface SimAccount {
  login: bigint;
  group: string;
  firstName: string;
  lastName: string;
  email: string;
  country: string;
  leverage: number;
  rights: number;
  currencyDigits: number;
  balance: bigint;
  credit: bigint;
  /** Margin held by open positions, in minor units (free margin = equity - margin). */
  margin: bigint;
  registration: number;
}

export interface SimDeal {
  deal: bigint;
  login: bigint;
  action: MtDealAction;
  timeMsc: number;
  /** Signed amount in minor units. */
  profit: bigint;
  comment: string;
}

export interface SimGroup {
  group: string;
  currency: string;
  currencyDigits: number;
  marginCall: number;
  marginStopOut: number;
}

export interface SimSession {
  /** Minutes from 00:00. */
  open: number;
  close: number;
}

export interface SimSymbol {
  symbol: string;
  path: string;
  description: string;
  currencyBase: string;
  currencyProfit: string;
  digits: number;
  contractSize: number;
  /** Current bid, in price units. */
  bid: number;
  spread: number;
  tradeMode: number;
  execMode: number;
  swapMode: number;
  swapLong: number;
  swapShort: number;
  /** Day of the triple swap, 0 = Sunday. */
  swap3Day: number;
  /** [7][N] by weekday, 0 = Sunday. */
  sessionsQuotes: SimSession[][];
  sessionsTrades: SimSession[][];
}

export interface SimPosition {
  position: bigint;
  login: bigint;
  symbol: string;
  /** 0 buy, 1 sell. */
  action: number;
  /** 1/10000 lot. */
  volume: number;
  priceOpen: number;
  priceSL: number;
  priceTP: number;
  timeCreate: number;
}

export interface SimManager {
  login: string;
  password: string;
}

/** The trading server's data: accounts, deal history, and what it counts about its manager connections. */
export class SimulatorState {
  readonly accounts = new Map<bigint, SimAccount>();
  readonly groups = new Map<string, SimGroup>();
  readonly symbols = new Map<string, SimSymbol>();
  readonly positions = new Map<bigint, SimPosition>();
  readonly deals: SimDeal[] = [];
  private nextDeal = 1_000_001n;
  openConnections = 0;
  peakConnections = 0;
  readonly counters = { refusedConnections: 0, stalled: 0, lostAnswers: 0, idleDrops: 0 };

  addAccount(account: SimAccount): void {
    this.accounts.set(account.login, account);
  }

  bookBalanceDeal(account: SimAccount, action: MtDealAction, amount: bigint, comment: string): SimDeal {
    const deal: SimDeal = { deal: this.nextDeal++, login: account.login, action, timeMsc: Date.now(), profit: amount, comment };
    if (action === MtDealAction.CREDIT) account.credit += amount;
    else account.balance += amount;
    this.deals.push(deal);
    return deal;
  }

  userRecord(account: SimAccount): Record<string, string> {
    return {
      Login: account.login.toString(),
      Group: account.group,
      Name: `${account.firstName} ${account.lastName}`,
      FirstName: account.firstName,
      LastName: account.lastName,
      Email: account.email,
      Country: account.country,
      Leverage: String(account.leverage),
      Rights: String(account.rights),
      Balance: formatMinor(account.balance, account.currencyDigits),
      Credit: formatMinor(account.credit, account.currencyDigits),
      Registration: String(account.registration),
    };
  }

  tradeAccountRecord(account: SimAccount): Record<string, string> {
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

  symbolRecord(symbol: SimSymbol): Record<string, unknown> {
    const sessions = (days: SimSession[][]) => days.map((day) => day.map((session) => ({ Open: String(session.open), Close: String(session.close) })));
    return {
      Symbol: symbol.symbol,
      Path: symbol.path,
      Description: symbol.description,
      CurrencyBase: symbol.currencyBase,
      CurrencyProfit: symbol.currencyProfit,
      Digits: String(symbol.digits),
      Point: (10 ** -symbol.digits).toFixed(symbol.digits),
      ContractSize: String(symbol.contractSize),
      Spread: String(symbol.spread),
      TradeMode: String(symbol.tradeMode),
      ExecMode: String(symbol.execMode),
      SwapMode: String(symbol.swapMode),
      SwapLong: String(symbol.swapLong),
      SwapShort: String(symbol.swapShort),
      Swap3Day: String(symbol.swap3Day),
      SessionsQuotes: sessions(symbol.sessionsQuotes),
      SessionsTrades: sessions(symbol.sessionsTrades),
    };
  }

  positionRecord(position: SimPosition): Record<string, string> {
    const symbol = this.symbols.get(position.symbol)!;
    const current = position.action === 0 ? symbol.bid : symbol.bid + symbol.spread * 10 ** -symbol.digits;
    const direction = position.action === 0 ? 1 : -1;
    const profit = ((current - position.priceOpen) * direction * symbol.contractSize * position.volume) / 10000;
    const price = (value: number) => value.toFixed(symbol.digits);
    return {
      Position: position.position.toString(),
      Login: position.login.toString(),
      Symbol: position.symbol,
      Action: String(position.action),
      Volume: String(position.volume),
      PriceOpen: price(position.priceOpen),
      PriceCurrent: price(current),
      PriceSL: price(position.priceSL),
      PriceTP: price(position.priceTP),
      Profit: profit.toFixed(2),
      Storage: '0.00',
      TimeCreate: String(position.timeCreate),
    };
  }

  groupRecord(group: SimGroup): Record<string, string> {
    return {
      Group: group.group,
      Currency: group.currency,
      CurrencyDigits: String(group.currencyDigits),
      MarginCall: String(group.marginCall),
      MarginStopOut: String(group.marginStopOut),
      MarginSOMode: '0',
    };
  }

  dealRecord(deal: SimDeal, digits: number): Record<string, string> {
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
}

/** The five documented demo accounts (500001-500005, USD), the same on every run; needs seedMarket's groups. */
export function seedDemoAccounts(state: SimulatorState): void {
  const now = Math.floor(Date.now() / 1000);
  const people = [
    ['Maria', 'Lopez', 'ES'],
    ['James', 'Carter', 'GB'],
    ['Anna', 'Schmidt', 'DE'],
    ['Luca', 'Rossi', 'IT'],
    ['Chloe', 'Martin', 'FR'],
  ] as const;
  people.forEach(([firstName, lastName, country], index) => {
    state.addAccount({
      login: BigInt(500001 + index),
      group: index % 2 === 0 ? 'real\\retail\\usd' : 'real\\pro\\usd',
      firstName,
      lastName,
      email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
      country,
      leverage: index % 2 === 0 ? 100 : 200,
      rights: 0x163,
      currencyDigits: 2,
      balance: BigInt(1000_00 * (index + 1)),
      credit: 0n,
      margin: BigInt(150_00 * index),
      registration: now - 86400 * (30 + index),
    });
  });
}
