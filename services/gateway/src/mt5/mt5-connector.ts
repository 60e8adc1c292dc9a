import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { MtBalanceType, MtDealAction, type WebApiDeal, type WebApiTradeAccount, type WebApiUser } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { MtTransportError } from './mt5-errors';
import type { Mt5WebApiSession } from './mt5-webapi-session';
import type { MtServerPool } from '../pool/mt-server-pool';
import type { MtAccountState, MtBalanceDeal, MtConnector, MtGroup, MtPosition, MtSymbol } from '../mt/mt-connector';

type WebApiGroup = { Group: string; Currency: string; CurrencyDigits: string; MarginCall: string; MarginStopOut: string; MarginSOMode: string };
type WebApiSessions = { Open: string; Close: string }[][];
type WebApiSymbol = Record<'Symbol' | 'Path' | 'Description' | 'Digits' | 'ContractSize' | 'Spread' | 'TradeMode' | 'ExecMode' | 'SwapMode' | 'SwapLong' | 'SwapShort' | 'Swap3Day', string> & {
  SessionsQuotes: WebApiSessions;
  SessionsTrades: WebApiSessions;
};
type WebApiPosition = Record<'Position' | 'Login' | 'Symbol' | 'Action' | 'Volume' | 'PriceOpen' | 'PriceCurrent' | 'PriceSL' | 'PriceTP' | 'Profit', string>;

const toGroup = (group: WebApiGroup): MtGroup => ({
  group: group.Group,
  currency: group.Currency,
  currencyDigits: Number(group.CurrencyDigits),
  marginCall: group.MarginCall,
  marginStopOut: group.MarginStopOut,
  marginSoMode: Number(group.MarginSOMode),
});

const toSessions = (days: WebApiSessions | undefined) => (days ?? []).map((day) => day.map((session) => ({ open: Number(session.Open), close: Number(session.Close) })));

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

  drain(): Promise<void> {
    return this.pool.drain();
  }

  private read<T>(fn: (session: Mt5WebApiSession) => Promise<T>): Promise<T> {
    return this.readRetry.execute(() => this.pool.run(fn));
  }

  getAccount(login: string): Promise<MtAccountState> {
    return this.read(async (session) => {
      const user = (await session.request<WebApiUser>('/api/user/get', { login })).answer;
      return this.accountState(session, user, new Map());
    });
  }

  /** Several accounts on one connection: one user batch, then each account's trade state. */
  getAccounts(logins: readonly string[]): Promise<MtAccountState[]> {
    return this.read(async (session) => {
      if (logins.length === 0) return [];
      const users = (await session.request<WebApiUser[]>('/api/user/get_batch', { login: logins.join(',') })).answer ?? [];
      const groups = new Map<string, MtGroup>();
      const accounts: MtAccountState[] = [];
      for (const user of users) accounts.push(await this.accountState(session, user, groups));
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
      return positions.map((position) => ({
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
      }));
    });
  }

  private async accountState(session: Mt5WebApiSession, user: WebApiUser, groups: Map<string, MtGroup>): Promise<MtAccountState> {
    const trade = (await session.request<WebApiTradeAccount>('/api/user/account/get', { login: user.Login })).answer;
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
      leverage: Number(user.Leverage),
      balance: money(trade.Balance, 'Balance'),
      credit: money(trade.Credit, 'Credit'),
      marginFree: money(trade.MarginFree, 'MarginFree'),
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
