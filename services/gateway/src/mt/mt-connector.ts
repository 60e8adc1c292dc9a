import type { AccountChanges, GroupChanges, OrderChanges, PositionChanges, SymbolChanges } from '@tradewarden/mt-change';
import type { MtBalanceType, MtDealAction } from '@tradewarden/mt5-webapi-protocol';
import type { DecimalAmount } from '@tradewarden/money';
import type { PoolStats } from '../pool/mt-server-pool';

/** An account as Tradewarden reads it; money exact, at the account currency's digits. */
export interface MtAccountState {
  login: string;
  group: string;
  currency: string;
  currencyDigits: number;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
  city: string;
  comment: string;
  leverage: number;
  /** May log in. */
  enabled: boolean;
  /** May trade (MT5: no TRADE_DISABLED right; MT4: not read-only). */
  tradingEnabled: boolean;
  /** From the user record (MT5 keeps it current with every deal), so reading it costs no trade-state request. */
  balance: DecimalAmount;
  credit: DecimalAmount;
  /**
   * Free margin; undefined when it was not asked for (AccountReads.margin) or the platform does not report it with the
   * account (MT4's user record has no margin figures). Never zero in its place.
   */
  marginFree: DecimalAmount | undefined;
}

/** What an account read covers beyond the user record. */
export interface AccountReads {
  /** Free margin: on MT5 the account's trade state, one more request per account. */
  margin: boolean;
}

export interface MtGroup {
  group: string;
  currency: string;
  currencyDigits: number;
  marginCall: string;
  marginStopOut: string;
  marginSoMode: number;
  /** Symbol paths the group may trade, in the server's order. */
  symbols: string[];
  /** MT5 permission and trade flag bit fields (0 on MT4, which has neither). */
  permissionsFlags: number;
  tradeFlags: number;
}

export interface MtSymbol {
  symbol: string;
  path: string;
  description: string;
  digits: number;
  contractSize: string;
  spread: number;
  tradeMode: number;
  execMode: number;
  swapMode: number;
  swapLong: string;
  swapShort: string;
  swap3Day: number;
  sessionsQuotes: { open: number; close: number }[][];
  sessionsTrades: { open: number; close: number }[][];
}

export interface MtPosition {
  position: string;
  login: string;
  symbol: string;
  action: number;
  /** Lots, exact (the Web API counts 1/10000 lot). */
  volume: DecimalAmount;
  priceOpen: string;
  priceCurrent: string;
  priceSL: string;
  priceTP: string;
  profit: string;
}

/** An open order: a pending one (types 2-7), or a market order (0, 1) or close-by (8) while the server executes it. */
export interface MtOrder {
  order: string;
  login: string;
  symbol: string;
  /** MT5 order type (MT4's cmd 2-5 are the same). */
  type: number;
  /** Lots left to fill, exact. */
  volume: DecimalAmount;
  priceOrder: string;
  /** Stop limit orders: the price of the limit order placed when priceOrder is reached; "0" otherwise. */
  priceTrigger: string;
  priceCurrent: string;
  priceSL: string;
  priceTP: string;
}

export interface MtBalanceDeal {
  ticket: string;
  login: string;
  action: MtDealAction;
  amount: DecimalAmount;
  comment: string;
  time: Date;
}

/** A new trading account. Passwords are secrets: they go to the server and nowhere else (no log, event or record). */
export interface NewAccount {
  /** Empty: the server allocates the next free login of its range. */
  login: string;
  group: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
  city: string;
  comment: string;
  leverage: number;
  mainPassword: string;
  investorPassword: string;
}

export type PasswordKind = 'main' | 'investor';

/** The change cannot be expressed on this server's platform (e.g. MT5-only settings on MT4); nothing was sent. */
export class UnsupportedChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedChangeError';
  }
}

/**
 * What the gateway needs of an MT server, whatever its platform: MT5 through the Web API (Mt5Connector) or MT4 through
 * a manager bridge (Mt4BridgeConnector). Reads may be retried; writes are never retried by a connector.
 */
export interface MtConnector {
  readonly platform: 'mt5' | 'mt4';
  /** One account, by default with its free margin (one account's trade state is cheap; GetAccount answers it whole). */
  getAccount(login: string, reads?: AccountReads): Promise<MtAccountState>;
  /** Accounts that exist among the logins; free margin only when asked, since on MT5 it costs a request per account. */
  getAccounts(logins: readonly string[], reads: AccountReads): Promise<MtAccountState[]>;
  findLogins(groupMask: string): Promise<string[]>;
  getGroup(group: string): Promise<MtGroup>;
  getSymbols(mask: string): Promise<MtSymbol[]>;
  getPositions(login: string): Promise<MtPosition[]>;
  /** One open position of an account; undefined when it is not open (closed or never existed). */
  getPosition(login: string, position: string): Promise<MtPosition | undefined>;
  /** The account's open orders. */
  getOrders(login: string): Promise<MtOrder[]>;
  /** One open order of an account; undefined when it is not open (filled, cancelled, never placed) or not the account's. */
  getOrder(login: string, order: string): Promise<MtOrder | undefined>;
  /** Sets the stops of an open order; a level not given stays. Its price, type and volume never change this way. */
  updateOrderStops(login: string, order: string, changes: OrderChanges): Promise<void>;
  /** Writes the given account fields; the others stay. Rights flags are read, changed and written back. */
  updateAccount(login: string, changes: AccountChanges): Promise<void>;
  /** Writes group fields; a symbol list replaces the group's list (entries kept keep their overrides). */
  updateGroup(group: string, changes: GroupChanges): Promise<void>;
  updateSymbol(symbol: string, changes: SymbolChanges): Promise<void>;
  updatePosition(login: string, position: string, changes: PositionChanges): Promise<void>;
  /**
   * Changes SL/TP as a dealer would for the client: through the server's trade logic, which refuses stops on the wrong
   * side of the price. A level not given stays as it is.
   */
  modifyPositionStops(login: string, position: string, stops: Pick<PositionChanges, 'priceSl' | 'priceTp'>): Promise<void>;
  /** Opens an account; resolves with its login. Not idempotent: a retry after an unknown outcome must look first. */
  createAccount(account: NewAccount): Promise<string>;
  changePassword(login: string, kind: PasswordKind, password: string): Promise<void>;
  /** Whether the password is the account's; undefined where the platform cannot tell (the MT4 bridge). */
  checkPassword(login: string, kind: PasswordKind, password: string): Promise<boolean | undefined>;
  /** The login of the account of a group whose comment is this (finds an account opened by an earlier attempt). */
  findAccountByComment(group: string, comment: string): Promise<string | undefined>;
  /** Books a balance or credit deal tagged with `comment` (at most 31 characters); resolves with the deal ticket. */
  balanceOperation(login: string, type: MtBalanceType, amount: DecimalAmount, comment: string): Promise<string>;
  balanceDealsSince(login: string, since: Date): Promise<MtBalanceDeal[]>;
  stats(): PoolStats;
  /** Finishes the calls in flight, then closes every connection. */
  drain(): Promise<void>;
  /** Closes every connection at once, calls in flight included (their connection slots are no longer held). */
  abort(): Promise<void>;
}
