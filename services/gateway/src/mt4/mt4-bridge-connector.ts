import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { BulkheadRejectedError, bulkhead, circuitBreaker, CircuitState, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, wrap, type IPolicy } from 'cockatiel';
import { createPool, type Pool } from 'generic-pool';
import { createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import type { AccountChanges, GroupChanges, OrderChanges, PositionChanges, SymbolChanges, TradingSession } from '@tradewarden/mt-change';
import { MtBalanceType, MtDealAction, MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { mt4bridgeV1 } from '@tradewarden/proto';
import {
  UnsupportedChangeError,
  type AccountReads,
  type MtAccountState,
  type MtBalanceDeal,
  type MtConnector,
  type MtGroup,
  type MtOrder,
  type MtPosition,
  type MtSymbol,
  type NewAccount,
  type PasswordKind,
} from '../mt/mt-connector';
import { UNBOUNDED_SLOTS, type SlotLease, type SlotSource } from '../coordination/connection-slots';
import { MtAuthenticationError, MtRetcodeError, MtTransportError } from '../mt5/mt5-errors';
import { isConnectionFailure, type PoolSettings, type PoolStats } from '../pool/mt-server-pool';
import { LatencyWindow } from '../pool/latency-window';
import { bridgeCredentials, type BridgeTls } from './bridge-credentials';
import { RequestRateLimiter } from '../pool/request-rate-limiter';
import { SpanKind, withChildSpan } from '@tradewarden/telemetry';

export interface Mt4BridgeOptions {
  /** host:port of the bridge's gRPC endpoint. */
  address: string;
  bridgeKey: string;
  requestTimeoutMs: number;
  /** TLS to the bridge (grpcs://); undefined only for a lab bridge registered with plaintext grpc://. */
  tls: BridgeTls | undefined;
}

type Service = typeof mt4bridgeV1.Mt4ManagerBridgeServiceService;
type RequestOf<K extends keyof Service> = Parameters<Service[K]['requestSerialize']>[0];
type ResponseOf<K extends keyof Service> = ReturnType<Service[K]['responseDeserialize']>;

const MONEY_SCALE = 8;

/** MT4 has one name field; the gateway shows it split at the first space and writes "first last". */
const splitName = (name: string) => {
  const space = name.indexOf(' ');
  return space < 0 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
};

// MT4 swap_type (0 points, 1 money in the base currency, 2 interest, 3 margin currency) against MT5's SwapMode.
const MT4_SWAP_TYPE_TO_MT5_MODE = [1, 2, 5, 3] as const;
// MT4 ConSymbol.trade: 0 no, 1 close only, 2 full; MT5 TradeMode: 0 disabled, 3 close only, 4 full.
const MT4_TRADE_TO_MT5_MODE = [0, 3, 4] as const;
const MT4_SESSIONS_PER_DAY = 3;

const toConSessions = (days: TradingSession[][], field: string) =>
  days.map((day) => {
    if (day.length > MT4_SESSIONS_PER_DAY) throw new UnsupportedChangeError(`${field}: MT4 holds at most ${MT4_SESSIONS_PER_DAY} sessions a day`);
    return day.map((session) => ({
      openHour: Math.floor(session.open / 60),
      openMin: session.open % 60,
      closeHour: Math.floor(session.close / 60),
      closeMin: session.close % 60,
    }));
  });

function mt4Ret(method: string, reply: { retCode: number; retMessage: string }): void {
  if (reply.retCode !== 0) throw new MtRetcodeError(`mt4:${method}`, reply.retCode, reply.retMessage);
}
/**
 * MT4 through a manager bridge (proto/tradewarden/mt4bridge/v1). The bridge owns the MT4 manager connections; here the
 * server's cap bounds the calls in flight to the bridge (bulkhead), with the same breaker, rate limit and metrics as an
 * MT5 pool. MT4's data model is mapped to the gateway's: lots x 100, triple swap day from Monday, flat group names.
 */
export class Mt4BridgeConnector implements MtConnector {
  readonly platform = 'mt4' as const;
  private readonly logger: Logger;
  private client: Promise<GrpcClient<Service>> | undefined;
  private readonly policy: IPolicy;
  private readonly breakerState: () => CircuitState;
  private readonly limiter: RequestRateLimiter;
  private readonly latencies = new LatencyWindow();
  private readonly counters = { requests: 0, errors: 0, inFlight: 0, waiting: 0 };
  private draining = false;
  /**
   * Connection slots of the deployment-wide cap, one per call in flight (the bridge opens an MT4 manager connection
   * for each): kept a few seconds after use so a burst does not ask PostgreSQL for each call, then given back.
   */
  private readonly leases: Pool<SlotLease>;

  constructor(
    readonly serverId: string,
    private readonly options: Mt4BridgeOptions,
    private readonly settings: PoolSettings,
    slots: SlotSource = UNBOUNDED_SLOTS,
  ) {
    this.logger = new Logger(`mt4:${serverId}`);
    this.limiter = new RequestRateLimiter(settings.requestsPerSecond);
    const breaker = circuitBreaker(handleWhen(isConnectionFailure), {
      halfOpenAfter: settings.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    breaker.onStateChange((state) => this.logger.warn(`circuit ${CircuitState[state].toLowerCase()}`));
    this.breakerState = () => breaker.state;
    this.policy = wrap(breaker, bulkhead(settings.maxConnections, Number.MAX_SAFE_INTEGER));
    this.leases = createPool<SlotLease>(
      {
        create: () => slots.acquire(serverId, settings.maxConnections, settings.acquireTimeoutMs),
        destroy: (lease) => lease.release(),
      },
      { max: settings.maxConnections, min: 0, acquireTimeoutMillis: settings.acquireTimeoutMs, idleTimeoutMillis: 5_000, evictionRunIntervalMillis: 1_000 },
    );
  }

  /** The channel, made on first use (a pinned bridge is asked for its certificate first); a failed attempt is not kept. */
  private channel(): Promise<GrpcClient<Service>> {
    if (!this.client) {
      const definition = mt4bridgeV1.Mt4ManagerBridgeServiceService;
      const made = this.options.tls
        ? bridgeCredentials(this.options.address, this.options.tls, this.options.requestTimeoutMs).then((channelCredentials) =>
            createGrpcClient(definition, this.options.address, 'Mt4ManagerBridgeService', channelCredentials),
          )
        : Promise.resolve(createGrpcClient(definition, this.options.address, 'Mt4ManagerBridgeService'));
      this.client = made;
      made.catch(() => {
        if (this.client === made) this.client = undefined;
      });
    }
    return this.client;
  }

  private async call<K extends keyof Service & string>(method: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
    if (this.draining) throw new MtTransportError(`server ${this.serverId}`, new Error('the gateway is shutting down this server'));
    await this.limiter.take();
    this.counters.waiting += 1;
    let started = false;
    const start = () => {
      if (!started) this.counters.waiting -= 1;
      started = true;
    };
    try {
      return await this.policy.execute(async () => {
        start();
        this.counters.inFlight += 1;
        this.counters.requests += 1;
        const startedAt = performance.now();
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${this.options.bridgeKey}`);
        let lease: SlotLease | undefined;
        try {
          lease = await this.leases.acquire().catch((error: unknown) => {
            throw new MtTransportError(`mt4:${method}`, new Error(`no connection slot within ${this.settings.acquireTimeoutMs} ms: ${String(error)}`));
          });
          const client = await this.channel();
          return await withChildSpan(
            `mt4 ${method}`,
            async () => (await unaryCall(client, method, request as never, metadata, this.options.requestTimeoutMs)) as ResponseOf<K>,
            { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'mt4-manager-bridge', 'rpc.method': method, 'server.address': this.options.address, 'tradewarden.server.id': this.serverId } },
          );
        } catch (error) {
          if (error instanceof MtAuthenticationError || error instanceof MtTransportError) {
            this.counters.errors += 1;
            throw error;
          }
          throw this.translate(method, error as ServiceError);
        } finally {
          this.counters.inFlight -= 1;
          this.latencies.record(performance.now() - startedAt);
          if (lease) await this.leases.release(lease).catch(() => undefined);
        }
      });
    } catch (error) {
      if (error instanceof BulkheadRejectedError) throw new MtTransportError(method, error);
      throw error;
    } finally {
      start();
    }
  }

  private translate(method: string, error: ServiceError): Error {
    switch (error.code) {
      case status.NOT_FOUND:
        return new MtRetcodeError(`mt4:${method}`, MtRetcode.ERR_NOTFOUND, error.details);
      case status.UNAUTHENTICATED:
      case status.PERMISSION_DENIED:
        this.counters.errors += 1;
        return new MtAuthenticationError(`bridge refused the gateway: ${error.details}`);
      case status.INVALID_ARGUMENT:
        return new MtRetcodeError(`mt4:${method}`, MtRetcode.ERR_PARAMS, error.details);
      default:
        this.counters.errors += 1;
        return new MtTransportError(`mt4:${method}`, new Error(`${status[error.code] ?? error.code}: ${error.details}`));
    }
  }

  // Reads change nothing, so a connection failure is retried; writes never are.
  private readonly readRetry = retry(handleWhen((error) => error instanceof MtTransportError), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }),
  });

  private read<K extends keyof Service & string>(method: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
    return this.readRetry.execute(() => this.call(method, request));
  }

  async getAccount(login: string): Promise<MtAccountState> {
    const [account] = await this.getAccounts([login], { margin: false });
    if (!account) throw new MtRetcodeError('mt4:GetUsers', MtRetcode.ERR_NOTFOUND, `no account ${login}`);
    return account;
  }

  // The bridge reports no margin figures, so asking for them changes nothing here (marginFree stays undefined).
  async getAccounts(logins: readonly string[], _reads?: AccountReads): Promise<MtAccountState[]> {
    if (logins.length === 0) return [];
    const reply = await this.read('getUsers', { logins: logins.map(Number) });
    const groups = new Map<string, MtGroup>();
    const accounts: MtAccountState[] = [];
    for (const user of reply.users) {
      let group = groups.get(user.group);
      if (!group) {
        group = await this.getGroup(user.group);
        groups.set(user.group, group);
      }
      accounts.push({
        login: String(user.login),
        group: user.group,
        currency: group.currency,
        currencyDigits: group.currencyDigits,
        name: user.name,
        ...splitName(user.name),
        email: user.email,
        phone: user.phone,
        country: user.country,
        city: user.city,
        comment: user.comment,
        leverage: user.leverage,
        enabled: user.enable,
        // A read-only MT4 account may log in but not trade.
        tradingEnabled: !user.enableReadOnly,
        balance: DecimalAmount.parse(user.balance, MONEY_SCALE),
        credit: DecimalAmount.parse(user.credit, MONEY_SCALE),
        // MT4's user record carries no margin figures (MarginLevelRequest would); not part of the bridge contract yet.
        marginFree: undefined,
      });
    }
    return accounts;
  }

  async findLogins(groupMask: string): Promise<string[]> {
    return (await this.read('getUsersByGroup', { groupMask })).logins.map(String);
  }

  async getGroup(group: string): Promise<MtGroup> {
    const reply = await this.read('getGroup', { group });
    const found = reply.group!;
    // MT4 groups hold money with 2 digits (the Manager API stores doubles rounded to cents).
    return { group: found.group, currency: found.currency, currencyDigits: 2, marginCall: String(found.marginCall), marginStopOut: String(found.marginStopout), marginSoMode: found.marginType, symbols: [], permissionsFlags: 0, tradeFlags: 0 };
  }

  async getSymbols(mask: string): Promise<MtSymbol[]> {
    const reply = await this.read('getSymbols', { mask });
    const minutes = (hour: number, minute: number) => hour * 60 + minute;
    return reply.symbols.map((symbol) => ({
      symbol: symbol.symbol,
      path: symbol.symbol,
      description: '',
      digits: symbol.digits,
      contractSize: symbol.contractSize,
      spread: symbol.spread,
      tradeMode: MT4_TRADE_TO_MT5_MODE[symbol.trade] ?? 0,
      execMode: symbol.exemode,
      swapMode: symbol.swapEnable ? (MT4_SWAP_TYPE_TO_MT5_MODE[symbol.swapType] ?? 0) : 0,
      swapLong: symbol.swapLong,
      swapShort: symbol.swapShort,
      // MT4: 0 = Monday; the gateway speaks MT5's 0 = Sunday.
      swap3Day: (symbol.swapRolloverThreeDays + 1) % 7,
      sessionsQuotes: symbol.sessions.map((day) => day.quote.map((s) => ({ open: minutes(s.openHour, s.openMin), close: minutes(s.closeHour, s.closeMin) }))),
      sessionsTrades: symbol.sessions.map((day) => day.trade.map((s) => ({ open: minutes(s.openHour, s.openMin), close: minutes(s.closeHour, s.closeMin) }))),
    }));
  }

  async getPosition(login: string, position: string): Promise<MtPosition | undefined> {
    return (await this.getPositions(login)).find((candidate) => candidate.position === position);
  }

  /** UserRecordUpdate writes the whole record: read it, change the fields asked for, send it back. */
  async updateAccount(login: string, changes: AccountChanges): Promise<void> {
    const user = (await this.call('getUsers', { logins: [Number(login)] })).users[0];
    if (!user) throw new MtRetcodeError('mt4:GetUsers', MtRetcode.ERR_NOTFOUND, `no account ${login}`);
    const name = splitName(user.name);
    const updated: mt4bridgeV1.UserRecord = {
      ...user,
      group: changes.group ?? user.group,
      name: changes.firstName !== undefined || changes.lastName !== undefined ? `${changes.firstName ?? name.firstName} ${changes.lastName ?? name.lastName}`.trim() : user.name,
      email: changes.email ?? user.email,
      phone: changes.phone ?? user.phone,
      country: changes.country ?? user.country,
      city: changes.city ?? user.city,
      comment: changes.comment ?? user.comment,
      leverage: changes.leverage ?? user.leverage,
      enable: changes.enabled ?? user.enable,
      enableReadOnly: changes.tradingEnabled === undefined ? user.enableReadOnly : !changes.tradingEnabled,
    };
    mt4Ret('UpdateUser', await this.call('updateUser', { user: updated }));
  }

  /** CfgUpdateGroup writes the whole group: read, change, send back. MT4 groups assign symbols by security group. */
  async updateGroup(group: string, changes: GroupChanges): Promise<void> {
    if (changes.symbols) throw new UnsupportedChangeError('symbols: MT4 groups enable security groups, not symbol paths; not supported yet');
    if (changes.permissionsFlags !== undefined || changes.tradeFlags !== undefined) {
      throw new UnsupportedChangeError('permissions_flags, trade_flags: MT5 group flags; MT4 groups have no equivalent');
    }
    const current = (await this.call('getGroup', { group })).group!;
    const integer = (value: string | undefined, field: string, fallback: number) => {
      if (value === undefined) return fallback;
      if (!/^-?\d+$/.test(value)) throw new UnsupportedChangeError(`${field}: MT4 holds whole numbers only, not ${value}`);
      return Number(value);
    };
    const updated: mt4bridgeV1.ConGroup = {
      ...current,
      marginCall: integer(changes.marginCall, 'margin_call', current.marginCall),
      marginStopout: integer(changes.marginStopOut, 'margin_stop_out', current.marginStopout),
      marginType: changes.marginSoMode ?? current.marginType,
    };
    mt4Ret('UpdateGroup', await this.call('updateGroup', { group: updated }));
  }

  /** CfgUpdateSymbol writes the whole symbol: read, change (MT5 conventions converted to MT4's), send back. */
  async updateSymbol(symbol: string, changes: SymbolChanges): Promise<void> {
    const current = (await this.call('getSymbols', { mask: symbol })).symbols.find((candidate) => candidate.symbol === symbol);
    if (!current) throw new MtRetcodeError('mt4:GetSymbols', MtRetcode.ERR_NOTFOUND, `no symbol ${symbol}`);
    const updated: mt4bridgeV1.ConSymbol = { ...current };
    if (changes.spread !== undefined) updated.spread = changes.spread;
    if (changes.tradeMode !== undefined) {
      const trade = MT4_TRADE_TO_MT5_MODE.indexOf(changes.tradeMode as 0 | 3 | 4);
      if (trade < 0) throw new UnsupportedChangeError(`trade_mode: MT4 has no trade mode ${changes.tradeMode} (only 0 disabled, 3 close only, 4 full)`);
      updated.trade = trade;
    }
    if (changes.execMode !== undefined) {
      if (changes.execMode > 2) throw new UnsupportedChangeError('exec_mode: MT4 has no exchange execution');
      updated.exemode = changes.execMode;
    }
    if (changes.swapMode !== undefined) {
      const swapType = MT4_SWAP_TYPE_TO_MT5_MODE.indexOf(changes.swapMode as 1 | 2 | 5 | 3);
      if (changes.swapMode !== 0 && swapType < 0) throw new UnsupportedChangeError(`swap_mode: MT4 has no equivalent of MT5 swap mode ${changes.swapMode}`);
      updated.swapEnable = changes.swapMode !== 0;
      if (swapType >= 0) updated.swapType = swapType;
    }
    if (changes.swapLong !== undefined) updated.swapLong = changes.swapLong;
    if (changes.swapShort !== undefined) updated.swapShort = changes.swapShort;
    if (changes.tripleSwapDay !== undefined) {
      // MT4 counts from Monday (0) to Friday (4).
      const day = (changes.tripleSwapDay + 6) % 7;
      if (day > 4) throw new UnsupportedChangeError('triple_swap_day: MT4 rolls over on Monday to Friday only');
      updated.swapRolloverThreeDays = day;
    }
    if (changes.sessionsQuotes || changes.sessionsTrades) {
      const quotes = changes.sessionsQuotes ? toConSessions(changes.sessionsQuotes, 'sessions_quotes') : current.sessions.map((day) => day.quote);
      const trades = changes.sessionsTrades ? toConSessions(changes.sessionsTrades, 'sessions_trades') : current.sessions.map((day) => day.trade);
      updated.sessions = Array.from({ length: 7 }, (_, day) => ({ quote: quotes[day] ?? [], trade: trades[day] ?? [] }));
    }
    mt4Ret('UpdateSymbol', await this.call('updateSymbol', { symbol: updated }));
  }

  async createAccount(account: NewAccount): Promise<string> {
    const reply = await this.call('createUser', {
      user: mt4bridgeV1.UserRecord.fromPartial({
        login: account.login ? Number(account.login) : 0,
        group: account.group,
        name: `${account.firstName} ${account.lastName}`.trim(),
        email: account.email,
        phone: account.phone,
        country: account.country,
        city: account.city,
        comment: account.comment,
        leverage: account.leverage,
        enable: true,
      }),
      password: account.mainPassword,
      investorPassword: account.investorPassword,
    });
    mt4Ret('CreateUser', reply);
    return String(reply.login);
  }

  /** The bridge contract has no password check (MT4's UserPasswordCheck covers the main password only). */
  checkPassword(): Promise<boolean | undefined> {
    return Promise.resolve(undefined);
  }

  async findAccountByComment(group: string, comment: string): Promise<string | undefined> {
    const logins = (await this.read('getUsersByGroup', { groupMask: group })).logins;
    for (let start = 0; start < logins.length; start += 500) {
      const users = (await this.read('getUsers', { logins: logins.slice(start, start + 500) })).users;
      const found = users.find((user) => user.group === group && user.comment === comment);
      if (found) return String(found.login);
    }
    return undefined;
  }

  async changePassword(login: string, kind: PasswordKind, password: string): Promise<void> {
    mt4Ret('SetPassword', await this.call('setPassword', { login: Number(login), password, investor: kind === 'investor' }));
  }

  /** TT_BR_ORDER_MODIFY through the bridge: trade logic checks the stops; SL and TP go together. */
  async modifyPositionStops(login: string, position: string, stops: Pick<PositionChanges, 'priceSl' | 'priceTp'>): Promise<void> {
    const current = await this.getPosition(login, position);
    if (!current) throw new MtRetcodeError('mt4:GetOpenTrades', MtRetcode.ERR_NOTFOUND, `no open trade ${position} of ${login}`);
    mt4Ret('TradeModify', await this.call('tradeModify', { order: Number(position), sl: stops.priceSl ?? current.priceSL, tp: stops.priceTp ?? current.priceTP }));
  }

  /**
   * TT_BR_ORDER_MODIFY modifies a pending order too, its open price kept: SL and TP go together, the one not changed as
   * it is. Trade logic refuses stops on the wrong side of the order's price (130).
   */
  async updateOrderStops(login: string, order: string, changes: OrderChanges): Promise<void> {
    const current = await this.getOrder(login, order);
    if (!current) throw new MtRetcodeError('mt4:GetOpenTrades', MtRetcode.ERR_NOTFOUND, `no pending order ${order} of ${login}`);
    mt4Ret('TradeModify', await this.call('tradeModify', { order: Number(order), sl: changes.priceSl ?? current.priceSL, tp: changes.priceTp ?? current.priceTP }));
  }

  /** AdmTradeRecordModify takes stop loss and take profit together: the one not changed is sent as it is. */
  async updatePosition(login: string, position: string, changes: PositionChanges): Promise<void> {
    const current = await this.getPosition(login, position);
    if (!current) throw new MtRetcodeError('mt4:GetOpenTrades', MtRetcode.ERR_NOTFOUND, `no open trade ${position} of ${login}`);
    const reply = await this.call('modifyTrade', {
      order: Number(position),
      sl: changes.priceSl ?? current.priceSL,
      tp: changes.priceTp ?? current.priceTP,
      openPrice: changes.priceOpen ?? '',
    });
    mt4Ret('ModifyTrade', reply);
  }

  async getPositions(login: string): Promise<MtPosition[]> {
    const reply = await this.read('getOpenTrades', { login: Number(login) });
    return reply.trades
      .filter((trade) => trade.cmd === 0 || trade.cmd === 1)
      .map((trade) => ({
        position: String(trade.order),
        login: String(trade.login),
        symbol: trade.symbol,
        action: trade.cmd,
        volume: DecimalAmount.fromUnits(BigInt(trade.volume), 2),
        priceOpen: trade.openPrice,
        priceCurrent: trade.closePrice,
        priceSL: trade.sl,
        priceTP: trade.tp,
        profit: trade.profit,
      }));
  }

  /** Pending orders are the open trade records of cmd 2-5 (MT4 has no stop limit orders). */
  async getOrders(login: string): Promise<MtOrder[]> {
    const reply = await this.read('getOpenTrades', { login: Number(login) });
    return reply.trades
      .filter((trade) => trade.cmd >= 2 && trade.cmd <= 5)
      .map((trade) => ({
        order: String(trade.order),
        login: String(trade.login),
        symbol: trade.symbol,
        type: trade.cmd,
        volume: DecimalAmount.fromUnits(BigInt(trade.volume), 2),
        priceOrder: trade.openPrice,
        priceTrigger: '0',
        priceCurrent: trade.closePrice,
        priceSL: trade.sl,
        priceTP: trade.tp,
      }));
  }

  async getOrder(login: string, order: string): Promise<MtOrder | undefined> {
    return (await this.getOrders(login)).find((candidate) => candidate.order === order);
  }

  async balanceOperation(login: string, type: MtBalanceType, amount: DecimalAmount, comment: string): Promise<string> {
    if (comment.length > 31) throw new Error('MT deal comments hold at most 31 characters');
    if (type !== MtBalanceType.BALANCE && type !== MtBalanceType.CREDIT) throw new Error(`MT4 books balance and credit only, not type ${type}`);
    const reply = await this.call('balance', { login: Number(login), cmd: type === MtBalanceType.BALANCE ? 6 : 7, amount: amount.toString(), comment });
    mt4Ret('Balance', reply);
    return String(reply.order);
  }

  async balanceDealsSince(login: string, since: Date): Promise<MtBalanceDeal[]> {
    const reply = await this.read('getTradeHistory', {
      login: Number(login),
      from: String(Math.floor(since.getTime() / 1000)),
      to: String(Math.floor(Date.now() / 1000) + 60),
    });
    return reply.trades
      .filter((trade) => trade.cmd === 6 || trade.cmd === 7)
      .map((trade) => ({
        ticket: String(trade.order),
        login: String(trade.login),
        action: trade.cmd === 6 ? MtDealAction.BALANCE : MtDealAction.CREDIT,
        amount: DecimalAmount.parse(trade.profit, MONEY_SCALE),
        comment: trade.comment,
        time: new Date(Number(trade.closeTime) * 1000),
      }));
  }

  stats(): PoolStats {
    return {
      serverId: this.serverId,
      max: this.settings.maxConnections,
      open: this.counters.inFlight,
      inUse: this.counters.inFlight,
      idle: 0,
      waiting: this.counters.waiting + this.limiter.waiting,
      requests: this.counters.requests,
      errors: this.counters.errors,
      reconnects: 0,
      breaker: (['closed', 'open', 'half-open', 'isolated'] as const)[this.breakerState()]!,
      latencyMs: this.latencies.summary(),
    };
  }

  async drain(): Promise<void> {
    this.draining = true;
    while (this.counters.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const client = await this.client?.catch(() => undefined);
    client?.close();
    await this.leases.drain();
    await this.leases.clear();
  }

  /** Cancels the calls in flight now (their slots were lost with the lock session), then drains. */
  async abort(): Promise<void> {
    this.draining = true;
    const client = await this.client?.catch(() => undefined);
    client?.close();
    await this.drain();
  }
}
