import { Server, ServerCredentials, status, type Metadata, type ServiceError, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { matchesGroupMask, MtDealAction } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import { mt4bridgeV1 } from '@tradewarden/proto';
import { decideFault, latencyFor, NO_FAULTS, parseFaultSettings, type FaultSettings } from './faults';
import { seedGeneratedAccounts, seedSymbols } from './seed-data';
import { seededRandom } from './seeded-random';
import { SimulatorState, type SimAccount } from './simulator-state';

/** MT4 return codes the bridge answers writes with (MT4 Manager API). */
export const Mt4RetCode = { OK: 0, ERROR: 2, INVALID_DATA: 3, NO_MONEY: 134, MODIFY_DENIED: 145 } as const;

export interface Mt4BridgeOptions {
  host: string;
  port: number;
  /** The key callers present as `authorization: Bearer <key>`. */
  bridgeKey: string;
  seed?: number;
  generatedAccounts?: number;
}

export interface RunningMt4Bridge {
  address: string;
  state: SimulatorState;
  setFaults(settings: Partial<FaultSettings>): void;
  stop(): Promise<void>;
}

const MT4_GROUPS = [
  { group: 'real-std-usd', currency: 'USD', currencyDigits: 2, marginCall: 100, marginStopOut: 50 },
  { group: 'real-pro-usd', currency: 'USD', currencyDigits: 2, marginCall: 100, marginStopOut: 30 },
  { group: 'demo-std', currency: 'USD', currencyDigits: 2, marginCall: 80, marginStopOut: 20 },
];

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

function grpcError(code: status, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: undefined as unknown as Metadata });
}

/**
 * An MT4 server behind the manager-bridge contract (proto/tradewarden/mt4bridge/v1): what a bridge process on a Windows
 * host would answer, with the MT4 data model (flat group names, lots x 100, triple swap day counted from Monday).
 */
export async function startMt4Bridge(options: Mt4BridgeOptions): Promise<RunningMt4Bridge> {
  const state = new SimulatorState();
  const random = seededRandom(options.seed ?? 4);
  for (const group of MT4_GROUPS) state.groups.set(group.group, { ...group });
  // The same instruments as the MT5 simulator; the bridge answers with MT4 conventions where they differ.
  seedSymbols(state);
  for (let i = 0; i < 5; i += 1) {
    state.addAccount({
      login: BigInt(700001 + i),
      group: MT4_GROUPS[i % 2]!.group,
      firstName: ['Hana', 'Tom', 'Ines', 'Raj', 'Ola'][i]!,
      lastName: ['Kim', 'Byrne', 'Costa', 'Mehta', 'Nilsen'][i]!,
      email: `mt4.demo${i + 1}@example.com`,
      country: ['KR', 'IE', 'PT', 'IN', 'NO'][i]!,
      leverage: 100,
      rights: 0,
      currencyDigits: 2,
      balance: BigInt(2500_00 * (i + 1)),
      credit: 0n,
      margin: BigInt(100_00 * i),
      registration: Math.floor(Date.now() / 1000) - 86400 * 90,
    });
  }
  seedGeneratedAccounts(state, options.generatedAccounts ?? 0, random, { firstLogin: 800001, groups: MT4_GROUPS.map((group) => group.group) });
  let faults: FaultSettings = NO_FAULTS;

  // Every call: the bridge key, then the configured latency and faults ("/Name" is the fault path of an RPC).
  const guarded = <Req, Res>(name: string, body: (request: Req) => Res, mutates = false): Handler<Req, Res> =>
    (call, callback) => {
      const authorization = call.metadata.get('authorization')[0]?.toString() ?? '';
      if (authorization !== `Bearer ${options.bridgeKey}`) return callback(grpcError(status.UNAUTHENTICATED, 'bad bridge key'));
      const fault = decideFault(faults, `/${name}`, random);
      // For the bridge, "connections" are the calls in flight: the gateway's cap bounds them.
      state.openConnections += 1;
      state.peakConnections = Math.max(state.peakConnections, state.openConnections);
      const finish: sendUnaryData<Res> = (error, value) => {
        state.openConnections -= 1;
        callback(error, value);
      };
      const respond = () => {
        if (fault === 'drop') return finish(grpcError(status.UNAVAILABLE, 'connection to the MT4 server lost'));
        if (fault === 'stall') return undefined;
        try {
          const result = body(call.request);
          if (fault === 'lose-answer' && mutates) {
            state.counters.lostAnswers += 1;
            return finish(grpcError(status.UNAVAILABLE, 'connection to the MT4 server lost'));
          }
          return finish(null, result);
        } catch (error) {
          return finish(error as ServiceError);
        }
      };
      const delay = latencyFor(faults, random);
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    };

  const account = (login: number): SimAccount => {
    const found = state.accounts.get(BigInt(login));
    if (!found) throw grpcError(status.NOT_FOUND, `no account ${login}`);
    return found;
  };
  const money = (units: bigint, digits: number) => DecimalAmount.fromUnits(units, digits).toString();
  const userRecord = (user: SimAccount): mt4bridgeV1.UserRecord => ({
    login: Number(user.login),
    group: user.group,
    name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    country: user.country,
    leverage: user.leverage,
    balance: money(user.balance, user.currencyDigits),
    credit: money(user.credit, user.currencyDigits),
    enable: true,
    enableReadOnly: false,
    comment: '',
  });

  const implementation: mt4bridgeV1.Mt4ManagerBridgeServiceServer = {
    ping: guarded('Ping', () => ({ serverBuild: 1420 })),
    getUsers: guarded('GetUsers', (request: mt4bridgeV1.GetUsersRequest) => ({
      users: request.logins.map((login) => state.accounts.get(BigInt(login))).filter((user): user is SimAccount => !!user).map(userRecord),
    })),
    getUsersByGroup: guarded('GetUsersByGroup', (request: mt4bridgeV1.GetUsersByGroupRequest) => ({
      logins: [...state.accounts.values()].filter((user) => matchesGroupMask(request.groupMask, user.group)).map((user) => Number(user.login)),
    })),
    getGroup: guarded('GetGroup', (request: mt4bridgeV1.GetGroupRequest) => {
      const group = state.groups.get(request.group);
      if (!group) throw grpcError(status.NOT_FOUND, `no group ${request.group}`);
      return {
        group: { group: group.group, currency: group.currency, defaultLeverage: 100, marginCall: group.marginCall, marginStopout: group.marginStopOut, marginType: 0 },
      };
    }),
    getSymbols: guarded('GetSymbols', (request: mt4bridgeV1.GetSymbolsRequest) => ({
      symbols: [...state.symbols.values()]
        .filter((symbol) => matchesGroupMask(request.mask, symbol.symbol))
        .map((symbol) => ({
          symbol: symbol.symbol,
          digits: symbol.digits,
          trade: symbol.tradeMode === 4 ? 2 : symbol.tradeMode === 3 ? 1 : 0,
          exemode: Math.min(symbol.execMode, 2),
          spread: symbol.spread,
          swapEnable: symbol.swapMode !== 0,
          swapType: 0,
          swapLong: String(symbol.swapLong),
          swapShort: String(symbol.swapShort),
          // MT4 counts the triple-swap day from Monday (0), MT5 from Sunday (0).
          swapRolloverThreeDays: (symbol.swap3Day + 6) % 7,
          contractSize: String(symbol.contractSize),
          sessions: symbol.sessionsTrades.map((day, index) => {
            const toCon = (session: { open: number; close: number }) => ({
              openHour: Math.floor(session.open / 60),
              openMin: session.open % 60,
              closeHour: Math.floor(session.close / 60),
              closeMin: session.close % 60,
            });
            return { quote: (symbol.sessionsQuotes[index] ?? []).map(toCon), trade: day.map(toCon) };
          }),
        })),
    })),
    balance: guarded(
      'Balance',
      (request: mt4bridgeV1.BalanceRequest): mt4bridgeV1.BalanceResponse => {
        const user = account(request.login);
        if (request.cmd !== 6 && request.cmd !== 7) return { retCode: Mt4RetCode.INVALID_DATA, retMessage: 'cmd must be 6 (balance) or 7 (credit)', order: 0 };
        if (request.comment.length > 31) return { retCode: Mt4RetCode.INVALID_DATA, retMessage: 'comment longer than 31 characters', order: 0 };
        let amount: bigint;
        try {
          amount = DecimalAmount.parse(request.amount, user.currencyDigits).units;
        } catch (error) {
          if (!(error instanceof DecimalFormatError)) throw error;
          return { retCode: Mt4RetCode.INVALID_DATA, retMessage: error.message, order: 0 };
        }
        if (amount === 0n) return { retCode: Mt4RetCode.INVALID_DATA, retMessage: 'amount is zero', order: 0 };
        if (amount < 0n && user.balance + user.credit - user.margin + amount < 0n) return { retCode: Mt4RetCode.NO_MONEY, retMessage: 'not enough money', order: 0 };
        const deal = state.bookBalanceDeal(user, request.cmd === 6 ? MtDealAction.BALANCE : MtDealAction.CREDIT, amount, request.comment);
        return { retCode: Mt4RetCode.OK, retMessage: '', order: Number(deal.deal) };
      },
      true,
    ),
    getOpenTrades: guarded('GetOpenTrades', (request: mt4bridgeV1.GetOpenTradesRequest) => {
      account(request.login);
      return {
        trades: [...state.positions.values()]
          .filter((position) => position.login === BigInt(request.login))
          .map((position) => {
            const symbol = state.symbols.get(position.symbol)!;
            return mt4bridgeV1.TradeRecord.fromPartial({
              order: Number(position.position),
              login: request.login,
              symbol: position.symbol,
              cmd: position.action,
              volume: Math.round(position.volume / 100),
              openTime: String(position.timeCreate),
              openPrice: position.priceOpen.toFixed(symbol.digits),
              sl: position.priceSL.toFixed(symbol.digits),
              tp: position.priceTP.toFixed(symbol.digits),
              closePrice: symbol.bid.toFixed(symbol.digits),
              profit: state.positionRecord(position)['Profit'],
            });
          }),
      };
    }),
    modifyTrade: guarded(
      'ModifyTrade',
      (request: mt4bridgeV1.ModifyTradeRequest): mt4bridgeV1.ModifyTradeResponse => {
        const position = state.positions.get(BigInt(request.order));
        if (!position) throw grpcError(status.NOT_FOUND, `no open order ${request.order}`);
        const sl = Number(request.sl);
        const tp = Number(request.tp);
        if (!Number.isFinite(sl) || !Number.isFinite(tp) || sl < 0 || tp < 0) return { retCode: Mt4RetCode.INVALID_DATA, retMessage: 'sl and tp must be prices' };
        position.priceSL = sl;
        position.priceTP = tp;
        return { retCode: Mt4RetCode.OK, retMessage: '' };
      },
      true,
    ),
    getTradeHistory: guarded('GetTradeHistory', (request: mt4bridgeV1.GetTradeHistoryRequest) => {
      const user = account(request.login);
      const from = Number(request.from) * 1000;
      const to = Number(request.to) * 1000 + 999;
      return {
        trades: state.deals
          .filter((deal) => deal.login === user.login && deal.timeMsc >= from && deal.timeMsc <= to)
          .map((deal) =>
            mt4bridgeV1.TradeRecord.fromPartial({
              order: Number(deal.deal),
              login: request.login,
              cmd: deal.action === MtDealAction.CREDIT ? 7 : 6,
              openTime: String(Math.floor(deal.timeMsc / 1000)),
              closeTime: String(Math.floor(deal.timeMsc / 1000)),
              profit: money(deal.profit, user.currencyDigits),
              comment: deal.comment,
            }),
          ),
      };
    }),
  };

  const server = new Server();
  server.addService(mt4bridgeV1.Mt4ManagerBridgeServiceService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `${options.host}:${port}`,
    state,
    setFaults: (settings) => {
      faults = parseFaultSettings(settings, faults, '/');
    },
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

