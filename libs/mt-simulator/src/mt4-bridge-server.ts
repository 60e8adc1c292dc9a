import { createHash } from 'node:crypto';
import { Server, ServerCredentials, status, type Metadata, type ServiceError, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { matchesGroupMask, MtDealAction, MtUserRights } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import { mt4bridgeV1 } from '@tradewarden/proto';
import { decideFault, latencyFor, NO_FAULTS, parseFaultSettings, type FaultSettings } from './faults';
import { seedGeneratedAccounts, seedPendingOrders, seedSymbols } from './seed-data';
import { seededRandom } from './seeded-random';
import { SimulatorState, type SimAccount, type SimOrder } from './simulator-state';
import { closingPrice, orderComparisonPrice } from './webapi-records';

/** MT4 return codes the bridge answers writes with (MT4 Manager API). */
export const Mt4RetCode = { OK: 0, ERROR: 2, INVALID_DATA: 3, INVALID_STOPS: 130, NO_MONEY: 134, MODIFY_DENIED: 145 } as const;

export interface Mt4BridgeOptions {
  host: string;
  port: number;
  /** The key callers present as `authorization: Bearer <key>`. */
  bridgeKey: string;
  seed?: number;
  generatedAccounts?: number;
  /** Serve TLS with this certificate, as a bridge on another host must; without it plaintext (lab only). */
  tls?: { certPem: string; keyPem: string };
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

/** MT4's password rule: 5-15 characters (16 with the terminator) with letters and digits. */
const MT4_PASSWORD = /^(?=.*[A-Za-z])(?=.*\d).{5,15}$/;

/** What the simulated MT4 server keeps of a password: a digest, never the password. */
const mt4PasswordDigest = (password: string) => createHash('sha256').update(password, 'utf8').digest('hex');

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
      rights: MtUserRights.ENABLED,
      currencyDigits: 2,
      balance: BigInt(2500_00 * (i + 1)),
      credit: 0n,
      margin: BigInt(100_00 * i),
      registration: Math.floor(Date.now() / 1000) - 86400 * 90,
    });
  }
  seedGeneratedAccounts(state, options.generatedAccounts ?? 0, random, { firstLogin: 800001, groups: MT4_GROUPS.map((group) => group.group) });
  // Their own random stream, so that the accounts and trades of a seed stay what they were before orders were seeded.
  const generated = [...state.accounts.keys()].filter((login) => login >= 800001n);
  seedPendingOrders(state, generated, seededRandom((options.seed ?? 4) ^ 0x0de5));
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
    enable: (user.rights & MtUserRights.ENABLED) !== 0,
    enableReadOnly: (user.rights & MtUserRights.TRADE_DISABLED) !== 0,
    comment: user.comment ?? '',
    phone: user.phone ?? '',
    city: user.city ?? '',
  });
  const refuse = (message: string) => ({ retCode: Mt4RetCode.INVALID_DATA, retMessage: message });
  const done = { retCode: Mt4RetCode.OK, retMessage: '' };
  const price = (value: string) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined);

  // A pending order's stops belong to the trade it will open at its own price: a buy (limit or stop, cmd 2 and 4) needs
  // its stop loss below that price and its take profit above, a sell the other way round.
  const modifyPendingStops = (order: SimOrder, sl: number, tp: number): mt4bridgeV1.TradeModifyResponse => {
    const buy = order.type % 2 === 0;
    if ((sl !== 0 && (buy ? sl >= order.priceOrder : sl <= order.priceOrder)) || (tp !== 0 && (buy ? tp <= order.priceOrder : tp >= order.priceOrder))) {
      return { retCode: Mt4RetCode.INVALID_STOPS, retMessage: 'invalid stops' };
    }
    order.priceSL = sl;
    order.priceTP = tp;
    return done;
  };

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
          swapType: Math.max(0, [1, 2, 5, 3].indexOf(symbol.swapMode)),
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
    // Open trades, then pending orders (cmd 2-5, whose close_price is the price they are compared with).
    getOpenTrades: guarded('GetOpenTrades', (request: mt4bridgeV1.GetOpenTradesRequest) => {
      account(request.login);
      const trades = [...state.positions.values()]
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
        });
      const orders = [...state.orders.values()]
        .filter((order) => order.login === BigInt(request.login))
        .map((order) => {
          const symbol = state.symbols.get(order.symbol)!;
          return mt4bridgeV1.TradeRecord.fromPartial({
            order: Number(order.order),
            login: request.login,
            symbol: order.symbol,
            cmd: order.type,
            volume: Math.round(order.volumeCurrent / 100),
            openTime: String(order.timeSetup),
            openPrice: order.priceOrder.toFixed(symbol.digits),
            sl: order.priceSL.toFixed(symbol.digits),
            tp: order.priceTP.toFixed(symbol.digits),
            closePrice: orderComparisonPrice(order.type, symbol).toFixed(symbol.digits),
            profit: '0.00',
            comment: order.comment,
          });
        });
      return { trades: [...trades, ...orders] };
    }),
    modifyTrade: guarded(
      'ModifyTrade',
      (request: mt4bridgeV1.ModifyTradeRequest): mt4bridgeV1.ModifyTradeResponse => {
        const position = state.positions.get(BigInt(request.order));
        if (!position) throw grpcError(status.NOT_FOUND, `no open order ${request.order}`);
        const sl = price(request.sl);
        const tp = price(request.tp);
        const openPrice = request.openPrice === '' ? position.priceOpen : price(request.openPrice);
        if (sl === undefined || tp === undefined) return refuse('sl and tp must be prices');
        if (openPrice === undefined || openPrice <= 0) return refuse('open_price must be a positive price');
        position.priceSL = sl;
        position.priceTP = tp;
        position.priceOpen = openPrice;
        return done;
      },
      true,
    ),
    // TT_BR_ORDER_MODIFY: trade logic refuses a stop loss on the winning side or a take profit on the losing side of the
    // price the trade would close at now, or for a pending order of its own open price (130 invalid stops).
    tradeModify: guarded(
      'TradeModify',
      (request: mt4bridgeV1.TradeModifyRequest): mt4bridgeV1.TradeModifyResponse => {
        const sl = price(request.sl);
        const tp = price(request.tp);
        const pending = state.orders.get(BigInt(request.order));
        if (pending) return sl === undefined || tp === undefined ? refuse('sl and tp must be prices') : modifyPendingStops(pending, sl, tp);
        const position = state.positions.get(BigInt(request.order));
        if (!position) throw grpcError(status.NOT_FOUND, `no open order ${request.order}`);
        if (sl === undefined || tp === undefined) return refuse('sl and tp must be prices');
        const symbol = state.symbols.get(position.symbol)!;
        const close = closingPrice(position.action, symbol);
        const buy = position.action === 0;
        if ((sl !== 0 && (buy ? sl >= close : sl <= close)) || (tp !== 0 && (buy ? tp <= close : tp >= close))) {
          return { retCode: Mt4RetCode.INVALID_STOPS, retMessage: 'invalid stops' };
        }
        position.priceSL = sl;
        position.priceTP = tp;
        return done;
      },
      true,
    ),
    // UserRecordUpdate: the whole record; balance and credit are not written this way.
    updateUser: guarded(
      'UpdateUser',
      (request: mt4bridgeV1.UpdateUserRequest): mt4bridgeV1.UpdateUserResponse => {
        const record = request.user;
        if (!record) return refuse('user is required');
        const user = account(record.login);
        if (!state.groups.has(record.group)) return refuse(`no group ${record.group}`);
        if (record.leverage < 1 || record.leverage > 1000) return refuse('leverage must be 1-1000');
        if (record.name.length > 127 || record.email.length > 47 || record.comment.length > 63) return refuse('a text field is longer than MT4 holds');
        const space = record.name.indexOf(' ');
        user.group = record.group;
        user.firstName = space < 0 ? record.name : record.name.slice(0, space);
        user.lastName = space < 0 ? '' : record.name.slice(space + 1);
        user.email = record.email;
        user.country = record.country;
        user.leverage = record.leverage;
        user.comment = record.comment;
        user.phone = record.phone;
        user.city = record.city;
        user.rights = (record.enable ? MtUserRights.ENABLED : 0) | (record.enableReadOnly ? MtUserRights.TRADE_DISABLED : 0);
        return done;
      },
      true,
    ),
    // UserRecordNew: login 0 takes the next free login; MT4 passwords are 5-15 characters with letters and digits.
    createUser: guarded(
      'CreateUser',
      (request: mt4bridgeV1.CreateUserRequest): mt4bridgeV1.CreateUserResponse => {
        const record = request.user;
        const failed = (message: string) => ({ ...refuse(message), login: 0 });
        if (!record) return failed('user is required');
        if (!state.groups.has(record.group)) return failed(`no group ${record.group}`);
        if (record.leverage < 1 || record.leverage > 1000) return failed('leverage must be 1-1000');
        const weak = [request.password, request.investorPassword].find((password) => !MT4_PASSWORD.test(password));
        if (weak !== undefined) return failed('passwords need 5-15 characters with letters and digits');
        const login = record.login === 0 ? Number([...state.accounts.keys()].reduce((max, next) => (next > max ? next : max), 0n) + 1n) : record.login;
        if (state.accounts.has(BigInt(login))) return failed(`account ${login} exists`);
        const space = record.name.indexOf(' ');
        state.addAccount({
          login: BigInt(login),
          group: record.group,
          firstName: space < 0 ? record.name : record.name.slice(0, space),
          lastName: space < 0 ? '' : record.name.slice(space + 1),
          email: record.email,
          phone: record.phone,
          country: record.country,
          city: record.city,
          comment: record.comment,
          leverage: record.leverage,
          rights: (record.enable ? MtUserRights.ENABLED : 0) | (record.enableReadOnly ? MtUserRights.TRADE_DISABLED : 0),
          currencyDigits: state.groups.get(record.group)!.currencyDigits,
          balance: 0n,
          credit: 0n,
          margin: 0n,
          registration: Math.floor(Date.now() / 1000),
          passwordHashes: { main: mt4PasswordDigest(request.password), investor: mt4PasswordDigest(request.investorPassword) },
        });
        return { ...done, login };
      },
      true,
    ),
    setPassword: guarded(
      'SetPassword',
      (request: mt4bridgeV1.SetPasswordRequest): mt4bridgeV1.SetPasswordResponse => {
        const user = account(request.login);
        if (!MT4_PASSWORD.test(request.password)) return refuse('passwords need 5-15 characters with letters and digits');
        user.passwordHashes[request.investor ? 'investor' : 'main'] = mt4PasswordDigest(request.password);
        return done;
      },
      true,
    ),
    // CfgUpdateGroup: the whole group configuration.
    updateGroup: guarded(
      'UpdateGroup',
      (request: mt4bridgeV1.UpdateGroupRequest): mt4bridgeV1.UpdateGroupResponse => {
        const record = request.group;
        if (!record) return refuse('group is required');
        const group = state.groups.get(record.group);
        if (!group) throw grpcError(status.NOT_FOUND, `no group ${record.group}`);
        if (record.marginType !== 0 && record.marginType !== 1) return refuse('margin_type must be 0 (percent) or 1 (currency)');
        if (record.marginType === 0 && record.marginStopout >= record.marginCall) return refuse('margin_stopout must be below margin_call');
        group.marginCall = record.marginCall;
        group.marginStopOut = record.marginStopout;
        return done;
      },
      true,
    ),
    // CfgUpdateSymbol: the whole symbol configuration.
    updateSymbol: guarded(
      'UpdateSymbol',
      (request: mt4bridgeV1.UpdateSymbolRequest): mt4bridgeV1.UpdateSymbolResponse => {
        const record = request.symbol;
        if (!record) return refuse('symbol is required');
        const symbol = state.symbols.get(record.symbol);
        if (!symbol) throw grpcError(status.NOT_FOUND, `no symbol ${record.symbol}`);
        const swapLong = Number(record.swapLong);
        const swapShort = Number(record.swapShort);
        if (![0, 1, 2].includes(record.trade) || ![0, 1, 2].includes(record.exemode) || ![0, 1, 2, 3].includes(record.swapType)) return refuse('trade, exemode or swap_type out of range');
        if (record.swapRolloverThreeDays < 0 || record.swapRolloverThreeDays > 4) return refuse('swap_rollover3days must be 0 (Monday) to 4 (Friday)');
        if (!Number.isFinite(swapLong) || !Number.isFinite(swapShort) || record.spread < 0 || record.sessions.length !== 7) return refuse('bad swap, spread or sessions');
        const minutes = (session: mt4bridgeV1.ConSession) => ({ open: session.openHour * 60 + session.openMin, close: session.closeHour * 60 + session.closeMin });
        symbol.spread = record.spread;
        symbol.tradeMode = [0, 3, 4][record.trade]!;
        symbol.execMode = record.exemode;
        symbol.swapMode = record.swapEnable ? [1, 2, 5, 3][record.swapType]! : 0;
        symbol.swapLong = swapLong;
        symbol.swapShort = swapShort;
        symbol.swap3Day = (record.swapRolloverThreeDays + 1) % 7;
        symbol.sessionsQuotes = record.sessions.map((day) => day.quote.map(minutes));
        symbol.sessionsTrades = record.sessions.map((day) => day.trade.map(minutes));
        return done;
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
    server.bindAsync(
      `${options.host}:${options.port}`,
      options.tls
        ? ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.certPem), private_key: Buffer.from(options.tls.keyPem) }], false)
        : ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
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

