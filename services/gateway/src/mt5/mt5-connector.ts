import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { AccountChanges, GroupChanges, OrderChanges, PositionChanges, SymbolChanges, TradingSession } from '@tradewarden/mt-change';
import { MtBalanceType, MtDealAction, MtRequestAction, MtRetcode, MtUserRights, parseRetcode, type WebApiDeal, type WebApiTradeAccount, type WebApiUser } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { MtRetcodeError, MtTransportError } from './mt5-errors';
import type { Mt5WebApiSession } from './mt5-webapi-session';
import type { MtServerPool } from '../pool/mt-server-pool';
import type { AccountReads, MtAccountState, MtBalanceDeal, MtConnector, MtGroup, MtOrder, MtPosition, MtSymbol, NewAccount, PasswordKind } from '../mt/mt-connector';

/** A group-symbol entry: the path plus the group's overrides of the symbol's settings (kept as the server sent them). */
type WebApiGroupSymbol = { Path: string } & Record<string, unknown>;
type WebApiGroup = {
  Group: string;
  Currency: string;
  CurrencyDigits: string;
  MarginCall: string;
  MarginStopOut: string;
  MarginSOMode: string;
  PermissionsFlags?: string;
  TradeFlags?: string;
  Symbols?: WebApiGroupSymbol[];
};
type WebApiSessions = { Open: string; Close: string }[][];
type WebApiSymbol = Record<'Symbol' | 'Path' | 'Description' | 'Digits' | 'ContractSize' | 'Spread' | 'TradeMode' | 'ExecMode' | 'SwapMode' | 'SwapLong' | 'SwapShort' | 'Swap3Day', string> & {
  SessionsQuotes: WebApiSessions;
  SessionsTrades: WebApiSessions;
};
type WebApiPosition = Record<'Position' | 'Login' | 'Symbol' | 'Action' | 'Volume' | 'PriceOpen' | 'PriceCurrent' | 'PriceSL' | 'PriceTP' | 'Profit', string>;
/** PriceTrigger matters for stop limit orders only; a server that leaves it out means 0. */
type WebApiOrder = Record<'Order' | 'Login' | 'Symbol' | 'Type' | 'VolumeCurrent' | 'PriceOrder' | 'PriceCurrent' | 'PriceSL' | 'PriceTP', string> & { PriceTrigger?: string };

const toGroup = (group: WebApiGroup): MtGroup => ({
  group: group.Group,
  currency: group.Currency,
  currencyDigits: Number(group.CurrencyDigits),
  marginCall: group.MarginCall,
  marginStopOut: group.MarginStopOut,
  marginSoMode: Number(group.MarginSOMode),
  symbols: (group.Symbols ?? []).map((entry) => entry.Path),
  permissionsFlags: Number(group.PermissionsFlags ?? '0'),
  tradeFlags: Number(group.TradeFlags ?? '0'),
});

const toWebApiSessions = (days: TradingSession[][]) => days.map((day) => day.map((session) => ({ Open: String(session.open), Close: String(session.close) })));

const toPosition = (position: WebApiPosition): MtPosition => ({
  position: position.Position,
  login: position.Login,
  symbol: position.Symbol,
  action: Number(position.Action),
  volume: DecimalAmount.fromUnits(BigInt(position.Volume), 4),
  priceOpen: position.PriceOpen,
  priceCurrent: position.PriceCurrent,
  priceSL: position.PriceSL,
  priceTP: position.PriceTP,
  profit: position.Profit,
});

const toOrder = (order: WebApiOrder): MtOrder => ({
  order: order.Order,
  login: order.Login,
  symbol: order.Symbol,
  type: Number(order.Type),
  volume: DecimalAmount.fromUnits(BigInt(order.VolumeCurrent), 4),
  priceOrder: order.PriceOrder,
  priceTrigger: order.PriceTrigger ?? '0',
  priceCurrent: order.PriceCurrent,
  priceSL: order.PriceSL,
  priceTP: order.PriceTP,
});

/** Only the fields given, under their Web API names; absent fields stay as they are on the server. */
function definedOnly(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

const toSessions = (days: WebApiSessions | undefined) => (days ?? []).map((day) => day.map((session) => ({ open: Number(session.Open), close: Number(session.Close) })));

/** get_request_result answers `[]` while the request waits, then `[{result: IMTConfirm}, {answer: IMTRequest}]`. */
type DealerResultPart = { result: { Retcode: string } } | { answer: Record<string, string> };
const DEALER_RESULT_POLL_MS = 50;
const DEALER_RESULT_WAIT_MS = 10_000;

// Replies carry money with the group currency's digits (2 for USD); parsing accepts up to 8 so that no reply is
// rounded, and amounts are shown at the group's CurrencyDigits.
const MONEY_SCALE = 8;

const money = (value: string | undefined, field: string): DecimalAmount => {
  if (value === undefined) throw new Error(`MT reply lacks ${field}`);
  return DecimalAmount.parse(value, MONEY_SCALE);
};

/**
 * Typed MT5 Web API operations on one server, each run on a pooled session. Reads are retried on connection failures
 * (they change nothing); writes never are: the executor decides, after checking the server, whether to send again.
 */
export class Mt5Connector implements MtConnector {
  readonly platform = 'mt5' as const;

  private readonly readRetry: RetryPolicy = retry(handleWhen((error) => error instanceof MtTransportError), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }),
  });

  constructor(readonly pool: MtServerPool) {}

  stats() {
    return this.pool.stats();
  }

  abort(): Promise<void> {
    return this.pool.abort();
  }

  drain(): Promise<void> {
    return this.pool.drain();
  }

  private read<T>(fn: (session: Mt5WebApiSession) => Promise<T>): Promise<T> {
    return this.readRetry.execute(() => this.pool.run(fn));
  }

  getAccount(login: string, reads: AccountReads = { margin: true }): Promise<MtAccountState> {
    return this.read(async (session) => {
      const user = (await session.request<WebApiUser>('/api/user/get', { login })).answer;
      return this.accountState(session, user, new Map(), reads);
    });
  }

  /**
   * Several accounts on one connection: one user batch and each of their groups once; each account's trade state only
   * when free margin is asked for, since that is a request per account.
   */
  getAccounts(logins: readonly string[], reads: AccountReads): Promise<MtAccountState[]> {
    return this.read(async (session) => {
      if (logins.length === 0) return [];
      const users = (await session.request<WebApiUser[]>('/api/user/get_batch', { login: logins.join(',') })).answer ?? [];
      const groups = new Map<string, MtGroup>();
      const accounts: MtAccountState[] = [];
      for (const user of users) accounts.push(await this.accountState(session, user, groups, reads));
      return accounts;
    });
  }

  /** Logins in groups matching an MT group mask. */
  findLogins(groupMask: string): Promise<string[]> {
    return this.read(async (session) => (await session.request<string[]>('/api/user/logins', { group: groupMask })).answer ?? []);
  }

  getGroup(group: string): Promise<MtGroup> {
    return this.read(async (session) => toGroup((await session.request<WebApiGroup>('/api/group/get', { group })).answer));
  }

  getSymbols(mask: string): Promise<MtSymbol[]> {
    return this.read(async (session) => {
      const symbols = (await session.request<WebApiSymbol[]>('/api/symbol/get', { mask })).answer ?? [];
      return symbols.map((symbol) => ({
        symbol: symbol.Symbol,
        path: symbol.Path,
        description: symbol.Description,
        digits: Number(symbol.Digits),
        contractSize: symbol.ContractSize,
        spread: Number(symbol.Spread),
        tradeMode: Number(symbol.TradeMode),
        execMode: Number(symbol.ExecMode),
        swapMode: Number(symbol.SwapMode),
        swapLong: symbol.SwapLong,
        swapShort: symbol.SwapShort,
        swap3Day: Number(symbol.Swap3Day),
        sessionsQuotes: toSessions(symbol.SessionsQuotes),
        sessionsTrades: toSessions(symbol.SessionsTrades),
      }));
    });
  }

  getPositions(login: string): Promise<MtPosition[]> {
    return this.read(async (session) => {
      const positions = (await session.request<WebApiPosition[]>('/api/position/get_batch', { login })).answer ?? [];
      return positions.map(toPosition);
    });
  }

  getPosition(login: string, position: string): Promise<MtPosition | undefined> {
    return this.read(async (session) => {
      const positions = (await session.request<WebApiPosition[]>('/api/position/get_batch', { ticket: position })).answer ?? [];
      const found = positions.find((candidate) => candidate.Position === position && candidate.Login === login);
      return found ? toPosition(found) : undefined;
    });
  }

  getOrders(login: string): Promise<MtOrder[]> {
    return this.read(async (session) => ((await session.request<WebApiOrder[]>('/api/order/get_batch', { login })).answer ?? []).map(toOrder));
  }

  getOrder(login: string, order: string): Promise<MtOrder | undefined> {
    return this.read(async (session) => {
      const orders = (await session.request<WebApiOrder[]>('/api/order/get_batch', { ticket: order })).answer ?? [];
      const found = orders.find((candidate) => candidate.Order === order && candidate.Login === login);
      return found ? toOrder(found) : undefined;
    });
  }

  /**
   * order/update edits the order record directly (absent fields stay), a back-office change like position/update: the
   * catalogue checked the stops against the order's price, and the executor that the price is still the one checked.
   */
  updateOrderStops(_login: string, order: string, changes: OrderChanges): Promise<void> {
    const body = definedOnly({ Order: order, PriceSL: changes.priceSl, PriceTP: changes.priceTp });
    return this.pool.run(async (session) => {
      await session.request('/api/order/update', {}, body);
    });
  }

  /**
   * user/update changes only the fields sent. Rights is one bit field, so it is read, changed and sent whole; the read
   * and the write run on one session, one after the other.
   */
  updateAccount(login: string, changes: AccountChanges): Promise<void> {
    return this.pool.run(async (session) => {
      const user = (await session.request<WebApiUser>('/api/user/get', { login })).answer;
      let rights: number | undefined;
      if (changes.enabled !== undefined || changes.tradingEnabled !== undefined) {
        rights = Number(user.Rights);
        if (changes.enabled !== undefined) rights = changes.enabled ? rights | MtUserRights.ENABLED : rights & ~MtUserRights.ENABLED;
        if (changes.tradingEnabled !== undefined) {
          rights = changes.tradingEnabled ? rights & ~MtUserRights.TRADE_DISABLED : rights | MtUserRights.TRADE_DISABLED;
        }
      }
      const renamed = changes.firstName !== undefined || changes.lastName !== undefined;
      const body = definedOnly({
        Login: login,
        Group: changes.group,
        FirstName: changes.firstName,
        LastName: changes.lastName,
        // Name is obsolete but still shown by older terminals: keep it "first last".
        Name: renamed ? `${changes.firstName ?? user.FirstName} ${changes.lastName ?? user.LastName}`.trim() : undefined,
        Email: changes.email,
        Phone: changes.phone,
        Country: changes.country,
        City: changes.city,
        Comment: changes.comment,
        Leverage: changes.leverage === undefined ? undefined : String(changes.leverage),
        Rights: rights === undefined ? undefined : String(rights),
      });
      await session.request('/api/user/update', { login }, body);
    });
  }

  /**
   * group/add is an upsert that replaces arrays whole: a new symbol list is built from the group as read, so the
   * entries that stay keep their overrides (spread, swaps, margins) and only new paths start with none.
   */
  updateGroup(group: string, changes: GroupChanges): Promise<void> {
    return this.pool.run(async (session) => {
      const current = (await session.request<WebApiGroup>('/api/group/get', { group })).answer;
      let symbols: WebApiGroupSymbol[] | undefined;
      if (changes.symbols) {
        const kept = new Map((current.Symbols ?? []).map((entry) => [entry.Path, entry]));
        symbols = changes.symbols.map((path) => kept.get(path) ?? { Path: path });
      }
      const body = definedOnly({
        Group: current.Group,
        MarginCall: changes.marginCall,
        MarginStopOut: changes.marginStopOut,
        MarginSOMode: changes.marginSoMode === undefined ? undefined : String(changes.marginSoMode),
        PermissionsFlags: changes.permissionsFlags === undefined ? undefined : String(changes.permissionsFlags),
        TradeFlags: changes.tradeFlags === undefined ? undefined : String(changes.tradeFlags),
        Symbols: symbols,
      });
      await session.request('/api/group/add', {}, body);
    });
  }

  /** symbol/add is an upsert of the fields sent; sessions are sent as whole weeks. */
  updateSymbol(symbol: string, changes: SymbolChanges): Promise<void> {
    const text = (value: number | undefined) => (value === undefined ? undefined : String(value));
    const body = definedOnly({
      Symbol: symbol,
      Spread: text(changes.spread),
      TradeMode: text(changes.tradeMode),
      ExecMode: text(changes.execMode),
      SwapMode: text(changes.swapMode),
      SwapLong: changes.swapLong,
      SwapShort: changes.swapShort,
      Swap3Day: text(changes.tripleSwapDay),
      SessionsQuotes: changes.sessionsQuotes && toWebApiSessions(changes.sessionsQuotes),
      SessionsTrades: changes.sessionsTrades && toWebApiSessions(changes.sessionsTrades),
    });
    return this.pool.run(async (session) => {
      await session.request('/api/symbol/add', {}, body);
    });
  }

  /**
   * A dealer request (action 202 POS_MODIFY) answers only "queued"; its result is polled on the same session, since
   * results belong to the connection that sent the request. 10009 is done; any other result code is a refusal.
   */
  modifyPositionStops(login: string, position: string, stops: Pick<PositionChanges, 'priceSl' | 'priceTp'>): Promise<void> {
    return this.pool.run(async (session) => {
      const current = ((await session.request<WebApiPosition[]>('/api/position/get_batch', { ticket: position })).answer ?? []).find(
        (candidate) => candidate.Position === position && candidate.Login === login,
      );
      if (!current) throw new MtRetcodeError('/api/position/get_batch', MtRetcode.ERR_NOTFOUND, `no open position ${position} of ${login}`);
      const request = {
        Action: String(MtRequestAction.POS_MODIFY),
        Login: login,
        Symbol: current.Symbol,
        Position: position,
        PriceSL: stops.priceSl ?? current.PriceSL,
        PriceTP: stops.priceTp ?? current.PriceTP,
      };
      const { ID: id } = (await session.request<{ ID: string }>('/api/dealer/send_request', {}, request)).answer;
      const deadline = Date.now() + DEALER_RESULT_WAIT_MS;
      for (;;) {
        const results = (await session.request<DealerResultPart[]>('/api/dealer/get_request_result', { id })).answer ?? [];
        const confirm = results.find((part): part is { result: { Retcode: string } } => 'result' in part)?.result;
        if (confirm) {
          const retcode = parseRetcode(confirm.Retcode);
          if (retcode.code !== MtRetcode.REQUEST_DONE) throw new MtRetcodeError('/api/dealer/send_request', retcode.code, retcode.text);
          return;
        }
        if (Date.now() > deadline) throw new MtTransportError('/api/dealer/get_request_result', new Error(`no result for dealer request ${id} within ${DEALER_RESULT_WAIT_MS} ms`));
        await new Promise((resolve) => setTimeout(resolve, DEALER_RESULT_POLL_MS));
      }
    });
  }

  /** user/add with the passwords in the body (never the query string, which servers and proxies log). */
  createAccount(account: NewAccount): Promise<string> {
    const name = `${account.firstName} ${account.lastName}`.trim();
    const query = { login: account.login || '0', group: account.group, name, leverage: String(account.leverage) };
    const body = {
      Login: account.login || '0',
      Group: account.group,
      FirstName: account.firstName,
      LastName: account.lastName,
      Name: name,
      Email: account.email,
      Phone: account.phone,
      Country: account.country,
      City: account.city,
      Comment: account.comment,
      Leverage: String(account.leverage),
      PassMain: account.mainPassword,
      PassInvestor: account.investorPassword,
    };
    return this.pool.run(async (session) => {
      const reply = await session.request<WebApiUser>('/api/user/add', query, body);
      // One documented revision puts the login beside the answer as well.
      const login = reply.answer?.Login ?? (typeof reply.body['login'] === 'string' ? reply.body['login'] : undefined);
      if (!login) throw new MtTransportError('/api/user/add', new Error('the reply names no login'));
      return login;
    });
  }

  /** user/check_password answers 0 for the right password and 3006 for a wrong one. */
  checkPassword(login: string, kind: PasswordKind, password: string): Promise<boolean | undefined> {
    return this.pool.run(async (session) => {
      try {
        await session.request('/api/user/check_password', {}, { Login: login, Type: kind, Password: password });
        return true;
      } catch (error) {
        if (error instanceof MtRetcodeError && error.code === MtRetcode.USR_INVALID_PASSWORD) return false;
        throw error;
      }
    });
  }

  findAccountByComment(group: string, comment: string): Promise<string | undefined> {
    return this.read(async (session) => {
      const users = (await session.request<WebApiUser[]>('/api/user/get_batch', { group })).answer ?? [];
      return users.find((user) => user.Group === group && user.Comment === comment)?.Login;
    });
  }

  changePassword(login: string, kind: PasswordKind, password: string): Promise<void> {
    return this.pool.run(async (session) => {
      await session.request('/api/user/change_password', {}, { Login: login, Type: kind, Password: password });
    });
  }

  /** position/update edits the record directly (a back-office correction: no trade-rule checks by the server). */
  updatePosition(login: string, position: string, changes: PositionChanges): Promise<void> {
    const body = definedOnly({ Position: position, Login: login, PriceOpen: changes.priceOpen, PriceSL: changes.priceSl, PriceTP: changes.priceTp });
    return this.pool.run(async (session) => {
      await session.request('/api/position/update', {}, body);
    });
  }

  /** Balance and credit from the user record, which the server keeps current; the trade state only for free margin. */
  private async accountState(session: Mt5WebApiSession, user: WebApiUser, groups: Map<string, MtGroup>, reads: AccountReads): Promise<MtAccountState> {
    const trade = reads.margin ? (await session.request<WebApiTradeAccount>('/api/user/account/get', { login: user.Login })).answer : undefined;
    let group = groups.get(user.Group);
    if (!group) {
      group = toGroup((await session.request<WebApiGroup>('/api/group/get', { group: user.Group })).answer);
      groups.set(user.Group, group);
    }
    return {
      login: user.Login,
      group: user.Group,
      currency: group.currency,
      currencyDigits: group.currencyDigits,
      name: user.Name,
      firstName: user.FirstName,
      lastName: user.LastName,
      email: user.Email,
      phone: user.Phone ?? '',
      country: user.Country,
      city: user.City ?? '',
      comment: user.Comment ?? '',
      leverage: Number(user.Leverage),
      enabled: (Number(user.Rights) & MtUserRights.ENABLED) !== 0,
      tradingEnabled: (Number(user.Rights) & MtUserRights.TRADE_DISABLED) === 0,
      balance: money(user.Balance, 'Balance'),
      credit: money(user.Credit, 'Credit'),
      marginFree: trade && money(trade.MarginFree, 'MarginFree'),
    };
  }

  /** Books a balance deal; the comment carries Tradewarden's execution token (at most 31 characters). */
  async balanceOperation(login: string, type: MtBalanceType, amount: DecimalAmount, comment: string): Promise<string> {
    if (comment.length > 31) throw new Error('MT deal comments hold at most 31 characters');
    const reply = await this.pool.run((session) =>
      session.request<{ Ticket: string }>('/api/trade/balance', { login, type: String(type), balance: amount.toString(), comment }),
    );
    return reply.answer.Ticket;
  }

  /** Balance-type deals of an account since a time, for the execution token check before any retry. */
  balanceDealsSince(login: string, since: Date): Promise<MtBalanceDeal[]> {
    return this.read(async (session) => {
      const reply = await session.request<WebApiDeal[]>('/api/deal/get_batch', {
        login,
        from: String(Math.floor(since.getTime() / 1000)),
        to: String(Math.floor(Date.now() / 1000) + 60),
      });
      return (reply.answer ?? [])
        .filter((deal) => [MtDealAction.BALANCE, MtDealAction.CREDIT].includes(Number(deal.Action)))
        .map((deal) => ({
          ticket: deal.Deal,
          login: deal.Login,
          action: Number(deal.Action) as MtDealAction,
          amount: money(deal.Profit, 'Profit'),
          comment: deal.Comment,
          time: new Date(Number(deal.TimeMsc)),
        }));
    });
  }
}
