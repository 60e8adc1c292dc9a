import { MtBalanceType, MtDealAction, type WebApiDeal, type WebApiTradeAccount, type WebApiUser } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { Mt5WebApiSession, type Mt5SessionOptions } from './mt5-webapi-session';

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

/** Typed MT5 Web API operations over one session. */
export class Mt5Connector {
  private readonly session: Mt5WebApiSession;

  constructor(options: Mt5SessionOptions) {
    this.session = new Mt5WebApiSession(options);
  }

  async getAccount(login: string): Promise<MtAccountState> {
    const user = (await this.session.request<WebApiUser>('/api/user/get', { login })).answer;
    const trade = (await this.session.request<WebApiTradeAccount>('/api/user/account/get', { login })).answer;
    const group = await this.getGroup(user.Group);
    const digits = group.currencyDigits;
    return {
      login: user.Login,
      group: user.Group,
      currency: group.currency,
      currencyDigits: digits,
      name: user.Name,
      leverage: Number(user.Leverage),
      balance: money(trade.Balance, 'Balance'),
      credit: money(trade.Credit, 'Credit'),
      marginFree: money(trade.MarginFree, 'MarginFree'),
    };
  }

  /** Currency settings of a group; read per call for now (pools and caching arrive with the connection pools). */
  async getGroup(group: string): Promise<{ currency: string; currencyDigits: number }> {
    const reply = await this.session.request<{ Currency: string; CurrencyDigits: string }>('/api/group/get', { group });
    return { currency: reply.answer.Currency, currencyDigits: Number(reply.answer.CurrencyDigits) };
  }

  /** Books a balance deal; the comment carries Tradewarden's execution token (at most 31 characters). */
  async balanceOperation(login: string, type: MtBalanceType, amount: DecimalAmount, comment: string): Promise<string> {
    if (comment.length > 31) throw new Error('MT deal comments hold at most 31 characters');
    const reply = await this.session.request<{ Ticket: string }>('/api/trade/balance', {
      login,
      type: String(type),
      balance: amount.toString(),
      comment,
    });
    return reply.answer.Ticket;
  }

  /** Balance-type deals of an account since a time, for the execution token check before any retry. */
  async balanceDealsSince(login: string, since: Date): Promise<MtBalanceDeal[]> {
    const reply = await this.session.request<WebApiDeal[]>('/api/deal/get_batch', {
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
  }

  ping(): Promise<void> {
    return this.session.pingIfIdle();
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
