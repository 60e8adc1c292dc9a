import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { BulkheadRejectedError, bulkhead, circuitBreaker, CircuitState, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, wrap, type IPolicy } from 'cockatiel';
import { createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { MtBalanceType, MtDealAction, MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { mt4bridgeV1 } from '@tradewarden/proto';
import type { MtAccountState, MtBalanceDeal, MtConnector, MtGroup, MtPosition, MtSymbol } from '../mt/mt-connector';
import { MtAuthenticationError, MtRetcodeError, MtTransportError } from '../mt5/mt5-errors';
import { isConnectionFailure, type PoolSettings, type PoolStats } from '../pool/mt-server-pool';
import { LatencyWindow } from '../pool/latency-window';
import { RequestRateLimiter } from '../pool/request-rate-limiter';

export interface Mt4BridgeOptions {
  /** host:port of the bridge's gRPC endpoint. */
  address: string;
  bridgeKey: string;
  requestTimeoutMs: number;
}

type Service = typeof mt4bridgeV1.Mt4ManagerBridgeServiceService;
type RequestOf<K extends keyof Service> = Parameters<Service[K]['requestSerialize']>[0];
type ResponseOf<K extends keyof Service> = ReturnType<Service[K]['responseDeserialize']>;

const MONEY_SCALE = 8;

/**
 * MT4 through a manager bridge (proto/tradewarden/mt4bridge/v1). The bridge owns the MT4 manager connections; here the
 * server's cap bounds the calls in flight to the bridge (bulkhead), with the same breaker, rate limit and metrics as an
 * MT5 pool. MT4's data model is mapped to the gateway's: lots x 100, triple swap day from Monday, flat group names.
 */
export class Mt4BridgeConnector implements MtConnector {
  readonly platform = 'mt4' as const;
  private readonly logger: Logger;
  private readonly client: GrpcClient<Service>;
  private readonly policy: IPolicy;
  private readonly breakerState: () => CircuitState;
  private readonly limiter: RequestRateLimiter;
  private readonly latencies = new LatencyWindow();
  private readonly counters = { requests: 0, errors: 0, inFlight: 0, waiting: 0 };
  private draining = false;

  constructor(
    readonly serverId: string,
    private readonly options: Mt4BridgeOptions,
    private readonly settings: PoolSettings,
  ) {
    this.logger = new Logger(`mt4:${serverId}`);
    this.client = createGrpcClient(mt4bridgeV1.Mt4ManagerBridgeServiceService, options.address, 'Mt4ManagerBridgeService');
    this.limiter = new RequestRateLimiter(settings.requestsPerSecond);
    const breaker = circuitBreaker(handleWhen(isConnectionFailure), {
      halfOpenAfter: settings.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    breaker.onStateChange((state) => this.logger.warn(`circuit ${CircuitState[state].toLowerCase()}`));
    this.breakerState = () => breaker.state;
    this.policy = wrap(breaker, bulkhead(settings.maxConnections, Number.MAX_SAFE_INTEGER));
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
        try {
          return (await unaryCall(this.client, method, request as never, metadata, this.options.requestTimeoutMs)) as ResponseOf<K>;
        } catch (error) {
          throw this.translate(method, error as ServiceError);
        } finally {
          this.counters.inFlight -= 1;
          this.latencies.record(performance.now() - startedAt);
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
    const [account] = await this.getAccounts([login]);
    if (!account) throw new MtRetcodeError('mt4:GetUsers', MtRetcode.ERR_NOTFOUND, `no account ${login}`);
    return account;
  }

  async getAccounts(logins: readonly string[]): Promise<MtAccountState[]> {
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
        leverage: user.leverage,
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
    return { group: found.group, currency: found.currency, currencyDigits: 2, marginCall: String(found.marginCall), marginStopOut: String(found.marginStopout), marginSoMode: found.marginType };
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
      tradeMode: symbol.trade === 2 ? 4 : symbol.trade === 1 ? 3 : 0,
      execMode: symbol.exemode,
      swapMode: symbol.swapEnable ? symbol.swapType + 1 : 0,
      swapLong: symbol.swapLong,
      swapShort: symbol.swapShort,
      // MT4: 0 = Monday; the gateway speaks MT5's 0 = Sunday.
      swap3Day: (symbol.swapRolloverThreeDays + 1) % 7,
      sessionsQuotes: symbol.sessions.map((day) => day.quote.map((s) => ({ open: minutes(s.openHour, s.openMin), close: minutes(s.closeHour, s.closeMin) }))),
      sessionsTrades: symbol.sessions.map((day) => day.trade.map((s) => ({ open: minutes(s.openHour, s.openMin), close: minutes(s.closeHour, s.closeMin) }))),
    }));
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

  async balanceOperation(login: string, type: MtBalanceType, amount: DecimalAmount, comment: string): Promise<string> {
    if (comment.length > 31) throw new Error('MT deal comments hold at most 31 characters');
    if (type !== MtBalanceType.BALANCE && type !== MtBalanceType.CREDIT) throw new Error(`MT4 books balance and credit only, not type ${type}`);
    const reply = await this.call('balance', { login: Number(login), cmd: type === MtBalanceType.BALANCE ? 6 : 7, amount: amount.toString(), comment });
    if (reply.retCode !== 0) throw new MtRetcodeError('mt4:Balance', reply.retCode, reply.retMessage);
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
    this.client.close();
  }
}
