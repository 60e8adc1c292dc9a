import { MtDealAction, MtUserRights } from '@tradewarden/mt5-webapi-protocol';
import { positionRecord } from './webapi-records';

/** The passwords an MT5 account has; the Web API names them main, investor and api. */
export type PasswordType = 'main' | 'investor' | 'api';

export interface SimAccount {
  login: bigint;
  group: string;
  firstName: string;
  lastName: string;
  middleName: string;
  email: string;
  phone: string;
  country: string;
  city: string;
  /** JSON `State` (state or province of the address). */
  region: string;
  zipCode: string;
  address: string;
  company: string;
  comment: string;
  /** JSON `ID`: the client's identity document number. */
  documentId: string;
  status: string;
  /** Login of the agent account (0 = none). */
  agent: bigint;
  leverage: number;
  /** MtUserRights flag bits. */
  rights: number;
  currencyDigits: number;
  balance: bigint;
  credit: bigint;
  /** Margin held by open positions, in minor units (free margin = equity - margin). */
  margin: bigint;
  registration: number;
  lastAccess: number;
  lastPassChange: number;
  /** Web API hashes (webApiPasswordHash, hex) of the passwords set; a seeded account has none until one is set. */
  passwordHashes: Partial<Record<PasswordType, string>>;
}

/** The profile fields a seeded account may leave out (they start empty). */
type OptionalAccountField =
  | 'middleName'
  | 'phone'
  | 'city'
  | 'region'
  | 'zipCode'
  | 'address'
  | 'company'
  | 'comment'
  | 'documentId'
  | 'status'
  | 'agent'
  | 'lastAccess'
  | 'lastPassChange'
  | 'passwordHashes';

export type NewSimAccount = Omit<SimAccount, OptionalAccountField> & Partial<Pick<SimAccount, OptionalAccountField>>;

export interface SimDeal {
  deal: bigint;
  login: bigint;
  action: MtDealAction;
  timeMsc: number;
  /** Signed amount in minor units. */
  profit: bigint;
  comment: string;
}

/**
 * A symbol override in a group (IMTConGroupSymbol). A field left unset inherits the symbol's value; the Web API shows
 * unset as the SDK's sentinels (see UNSET in group-config.ts).
 */
export interface SimGroupSymbol {
  /** A symbol name or a path mask such as `Forex\*`. */
  path: string;
  tradeMode: number;
  execMode: number;
  fillFlags: number;
  expirFlags: number;
  spreadDiff: number;
  spreadDiffBalance: number;
  stopsLevel: number;
  freezeLevel: number;
  swapMode: number;
  swapLong: number;
  swapShort: number;
  swap3Day: number;
  marginInitial: number;
  marginMaintenance: number;
}

/** A commission rule of a group, kept as the client sent it with every scalar as a string (the simulator charges none). */
export type SimCommission = Record<string, unknown>;

/** The MT5 group settings beyond what the MT4 bridge's groups have; groupSettings() fills the defaults. */
export interface Mt5GroupSettings {
  /** Trade server id the group is bound to (recorded, not enforced: any server may hold accounts of any group). */
  server: number;
  company: string;
  permissionsFlags: number;
  authMode: number;
  /** Minimal password length (8-16). */
  authPasswordMin: number;
  tradeFlags: number;
  marginFreeMode: number;
  /** 0 percent, 1 money: the unit of marginCall and marginStopOut. */
  marginSOMode: number;
  /** 0 retail netting, 1 exchange, 2 retail hedging. */
  marginMode: number;
  demoLeverage: number;
  demoDeposit: number;
  limitOrders: number;
  limitPositions: number;
  commissions: SimCommission[];
  symbols: SimGroupSymbol[];
}

export interface SimGroup extends Partial<Mt5GroupSettings> {
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
  timeUpdate?: number;
  comment?: string;
}

/** A pending order (IMTOrder); Type 2 buy limit, 3 sell limit, 4 buy stop, 5 sell stop; State 1 placed. */
export interface SimOrder {
  order: bigint;
  login: bigint;
  symbol: string;
  type: number;
  state: number;
  priceOrder: number;
  priceSL: number;
  priceTP: number;
  /** 1/10000 lot. */
  volumeInitial: number;
  volumeCurrent: number;
  timeSetup: number;
  comment: string;
}

export interface SimManager {
  login: string;
  password: string;
}

/** Configuration a trade server takes from its cluster's main server: one instance, shared, so a change shows everywhere. */
export interface SharedConfiguration {
  groups: Map<string, SimGroup>;
  symbols: Map<string, SimSymbol>;
}

/**
 * One trading server's data: its accounts, positions, orders and deal history, the cluster's shared groups and symbols,
 * and what it counts about its manager connections.
 */
export class SimulatorState {
  readonly accounts = new Map<bigint, SimAccount>();
  readonly groups: Map<string, SimGroup>;
  readonly symbols: Map<string, SimSymbol>;
  readonly positions = new Map<bigint, SimPosition>();
  readonly orders = new Map<bigint, SimOrder>();
  readonly deals: SimDeal[] = [];
  private nextDeal: bigint;
  private nextPosition: bigint;
  private nextOrder: bigint;
  openConnections = 0;
  peakConnections = 0;
  readonly counters = { refusedConnections: 0, stalled: 0, lostAnswers: 0, idleDrops: 0 };

  /**
   * @param configuration the main server's groups and symbols for a trade server; a new (empty) set otherwise.
   * @param ticketOffset added to the first deal, position and order ticket, so that servers of one cluster never hand
   *   out the same ticket.
   */
  constructor(configuration?: SharedConfiguration, ticketOffset = 0n) {
    this.groups = configuration?.groups ?? new Map();
    this.symbols = configuration?.symbols ?? new Map();
    this.nextDeal = 1_000_001n + ticketOffset;
    this.nextPosition = 7_000_001n + ticketOffset;
    this.nextOrder = 8_000_001n + ticketOffset;
  }

  /** Stores the account (missing profile fields empty) and returns the stored record. */
  addAccount(account: NewSimAccount): SimAccount {
    const stored: SimAccount = {
      middleName: '',
      phone: '',
      city: '',
      region: '',
      zipCode: '',
      address: '',
      company: '',
      comment: '',
      documentId: '',
      status: '',
      agent: 0n,
      lastAccess: account.registration,
      lastPassChange: account.registration,
      passwordHashes: {},
      ...account,
    };
    this.accounts.set(stored.login, stored);
    return stored;
  }

  nextPositionTicket(): bigint {
    return this.nextPosition++;
  }

  nextOrderTicket(): bigint {
    return this.nextOrder++;
  }

  bookBalanceDeal(account: SimAccount, action: MtDealAction, amount: bigint, comment: string): SimDeal {
    const deal: SimDeal = { deal: this.nextDeal++, login: account.login, action, timeMsc: Date.now(), profit: amount, comment };
    if (action === MtDealAction.CREDIT) account.credit += amount;
    else account.balance += amount;
    this.deals.push(deal);
    return deal;
  }

  hasOpenTrades(login: bigint): boolean {
    return [...this.positions.values()].some((position) => position.login === login) || [...this.orders.values()].some((order) => order.login === login);
  }

  positionRecord(position: SimPosition): Record<string, string> {
    return positionRecord(position, this.symbols.get(position.symbol)!);
  }
}

/** The five documented demo accounts (500001-500005, USD), the same on every run; needs seedMarket's groups. */
export function seedDemoAccounts(state: SimulatorState): void {
  const people = [
    ['Maria', 'Lopez', 'ES'],
    ['James', 'Carter', 'GB'],
    ['Anna', 'Schmidt', 'DE'],
    ['Luca', 'Rossi', 'IT'],
    ['Chloe', 'Martin', 'FR'],
  ] as const;
  addDemoAccounts(state, 500001, people);
}

/** A trade server's own demo accounts (e.g. 510001-510003), so that tests can tell the servers' accounts apart. */
export function seedTradeServerDemoAccounts(state: SimulatorState, firstLogin: number): void {
  const people = [
    ['Sven', 'Larsen', 'DK'],
    ['Mei', 'Chen', 'SG'],
    ['Rafael', 'Costa', 'BR'],
  ] as const;
  addDemoAccounts(state, firstLogin, people);
}

function addDemoAccounts(state: SimulatorState, firstLogin: number, people: readonly (readonly [string, string, string])[]): void {
  const now = Math.floor(Date.now() / 1000);
  people.forEach(([firstName, lastName, country], index) => {
    state.addAccount({
      login: BigInt(firstLogin + index),
      group: index % 2 === 0 ? 'real\\retail\\usd' : 'real\\pro\\usd',
      firstName,
      lastName,
      email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
      country,
      leverage: index % 2 === 0 ? 100 : 200,
      rights: MtUserRights.DEFAULT,
      currencyDigits: 2,
      balance: BigInt(1000_00 * (index + 1)),
      credit: 0n,
      margin: BigInt(150_00 * index),
      registration: now - 86400 * (30 + index),
    });
  });
}
