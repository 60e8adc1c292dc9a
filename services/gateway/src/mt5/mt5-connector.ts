import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { MtBalanceType, MtDealAction, type WebApiDeal, type WebApiTradeAccount, type WebApiUser } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { MtTransportError } from './mt5-errors';
import type { Mt5WebApiSession } from './mt5-webapi-session';
import type { MtServerPool } from '../pool/mt-server-pool';

/** An account as Tradewarden reads it; money exact, at the account currency's digits. */
export interface MtAccountState {
  login: string;
  group: string;
  currency: string;
  currencyDigits: number;
  name: string;
  leverage: number;
  balance: DecimalAmount;
  credit: DecimalAmount;
  marginFree: DecimalAmount;
}

export interface MtBalanceDeal {
  ticket: string;
  login: string;
  action: MtDealAction;
  amount: DecimalAmount;
  comment: string;
  time: Date;
}

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
export class Mt5Connector {
  private readonly readRetry: RetryPolicy = retry(handleWhen((error) => error instanceof MtTransportError), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }),
  });

  constructor(readonly pool: MtServerPool) {}

  private read<T>(fn: (session: Mt5WebApiSession) => Promise<T>): Promise<T> {
    return this.readRetry.execute(() => this.pool.run(fn));
  }

  getAccount(login: string): Promise<MtAccountState> {
    return this.read(async (session) => {
      const user = (await session.request<WebApiUser>('/api/user/get', { login })).answer;
      const trade = (await session.request<WebApiTradeAccount>('/api/user/account/get', { login })).answer;
      const group = (await session.request<{ Currency: string; CurrencyDigits: string }>('/api/group/get', { group: user.Group })).answer;
      return {
        login: user.Login,
        group: user.Group,
        currency: group.Currency,
        currencyDigits: Number(group.CurrencyDigits),
        name: user.Name,
        leverage: Number(user.Leverage),
        balance: money(trade.Balance, 'Balance'),
        credit: money(trade.Credit, 'Credit'),
        marginFree: money(trade.MarginFree, 'MarginFree'),
      };
    });
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
