import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { fetchClientCredentialsToken } from '@tradewarden/auth';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { buildEnvelope, createKafka, decodeEnvelope, encodeEnvelope, Topics, topicName } from '@tradewarden/messaging';
import { accountSnapshot, groupSnapshot, orderSnapshot, positionSnapshot, symbolSnapshot } from '@tradewarden/mt-change';
import { MtRetcode, MtUserRights } from '@tradewarden/mt5-webapi-protocol';
import { eventsV1, gatewayV1, operationV1 } from '@tradewarden/proto';
import { eventually, harnessServers, serviceAccount } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const { ItemStatus, BalanceDealType } = operationV1;

/**
 * The gateway's side of execution, driven through its real contract: ExecutionRequested commands on Kafka, plans whose
 * before-states come from the gateway's own reads (as intake builds them), ItemExecuted results back on Kafka, and the
 * simulators' state as the judge of what happened on the MT servers.
 */
describe('gateway executes changes', () => {
  let platform: InProcessPlatform;
  let gateway: GrpcClient<typeof gatewayV1.GatewayServiceService>;
  let token: string;
  let producer: Producer;
  let consumer: Consumer;
  const results = new Map<string, eventsV1.ItemExecuted>();

  beforeAll(async () => {
    platform = await startInProcessPlatform('changes', { generatedAccounts: 200, tradeServer: true });
    gateway = createGrpcClient(gatewayV1.GatewayServiceService, platform.addresses.gateway, 'GatewayService');
    const servers = harnessServers();
    const account = serviceAccount('intake');
    token = (await fetchClientCredentialsToken(servers.keycloakUrl, servers.realm, account.clientId, account.clientSecret)).accessToken;
    const kafka = createKafka('gateway-changes-test', servers.kafkaBrokers);
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: `gateway-changes-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(platform.topicPrefix, Topics.executionResults), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = decodeEnvelope(message.value!);
        if (envelope.itemExecuted) results.set(envelope.itemExecuted.itemId, envelope.itemExecuted);
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    gateway?.close();
    await platform?.stop();
  });

  const read = <K extends keyof typeof gatewayV1.GatewayServiceService & string>(method: K, request: Parameters<(typeof gatewayV1.GatewayServiceService)[K]['requestSerialize']>[0]) =>
    unaryCall(gateway, method, request as never, bearerMetadata(token), 30_000) as Promise<ReturnType<(typeof gatewayV1.GatewayServiceService)[K]['responseDeserialize']>>;

  const accountBefore = async (serverId: string, login: string) => accountSnapshot((await read('getAccount', { serverId, login })).account!);
  const orderBefore = async (serverId: string, login: string, order: string) => orderSnapshot((await read('getOrders', { serverId, login, order })).orders[0]!);
  /** A stop loss on the right side of a pending order's price: below it for a buy (even types), above for a sell. */
  const stopLossFor = (order: { type: number; priceOrder: number }, digits: number, distance = 0.01) =>
    (order.type % 2 === 0 ? order.priceOrder * (1 - distance) : order.priceOrder * (1 + distance)).toFixed(digits);

  /** Sends one approved item to the gateway and waits for its result. */
  async function execute(serverId: string, change: operationV1.MtChange, before: Record<string, string>, after: Record<string, string> = {}): Promise<eventsV1.ItemExecuted> {
    const itemId = randomUUID();
    const operationId = randomUUID();
    const envelope = buildEnvelope(
      {
        executionRequested: {
          operationId,
          serverId,
          planDigest: 'digest-of-an-approved-plan',
          submittedBy: 'gateway-changes-test',
          operationType: 'test.change',
          items: [{ itemId, rowNumber: 1, spec: { serverId }, before, after, change, revert: undefined, warnings: [] }],
        },
      },
      { actor: undefined, producer: 'gateway-changes-test', aggregateId: serverId },
    );
    await producer.send({ topic: topicName(platform.topicPrefix, Topics.executionCommands), messages: [{ key: serverId, value: encodeEnvelope(envelope) }] });
    return eventually(async () => {
      const result = results.get(itemId);
      if (!result) throw new Error(`no result yet for item ${itemId}`);
      return result;
    }, 60_000);
  }

  describe('on MT5', () => {
    it('updates account fields, flipping one rights bit and leaving the others', async () => {
      const login = '500001';
      const before = await accountBefore(platform.serverId, login);
      const rightsBefore = platform.simulator.state.accounts.get(BigInt(login))!.rights;
      const result = await execute(platform.serverId, { accountUpdate: { login, set: { leverage: '300', trading_enabled: 'false', city: 'Valencia' } } }, before);
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      expect(result.before).toMatchObject({ login, leverage: '100', trading_enabled: 'true' });
      expect(result.after).toMatchObject({ login, leverage: '300', trading_enabled: 'false', city: 'Valencia' });
      // Personal fields the change does not touch stay out of the result (it travels to the audit trail).
      expect(result.after['email']).toBeUndefined();
      const account = platform.simulator.state.accounts.get(BigInt(login))!;
      expect(account.leverage).toBe(300);
      expect(account.rights).toBe(rightsBefore | MtUserRights.TRADE_DISABLED);
    });

    it('does not apply an account change whose before-state drifted', async () => {
      const login = '500002';
      const before = await accountBefore(platform.serverId, login);
      const result = await execute(platform.serverId, { accountUpdate: { login, set: { leverage: '50' } } }, { ...before, leverage: '400' });
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_DRIFTED);
      expect(result.errorCode).toBe('BEFORE_STATE_DRIFTED');
      expect(result.errorMessage).toContain('leverage: 400 -> 200');
      expect(platform.simulator.state.accounts.get(500002n)!.leverage).toBe(200);
    });

    it('replaces a group symbol list whole, keeping the overrides of the entries that stay', async () => {
      const group = 'real\\pro\\usd';
      const current = (await read('getGroup', { serverId: platform.serverId, group })).group!;
      expect(current.symbols.length).toBeGreaterThan(0);
      const kept = current.symbols[0]!;
      const keptEntry = JSON.stringify(platform.simulator.state.groups.get(group)!.symbols!.find((entry) => entry.path === kept));
      const symbols = [kept, 'Indices\\*'].join(',');
      const result = await execute(platform.serverId, { groupUpdate: { group, set: { symbols, margin_stop_out: '40' } } }, groupSnapshot(current));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      expect(result.after).toMatchObject({ symbols, margin_stop_out: '40' });
      const simulated = platform.simulator.state.groups.get(group)!;
      expect(simulated.symbols!.map((entry) => entry.path)).toEqual([kept, 'Indices\\*']);
      expect(JSON.stringify(simulated.symbols![0])).toBe(keptEntry);
    });

    it('updates a symbol: swaps, triple-swap day and trading sessions', async () => {
      const symbol = (await read('getSymbols', { serverId: platform.serverId, mask: 'EURUSD' })).symbols[0]!;
      const sessions = ';0-1440;0-1440;0-1440;0-1440;0-1320;';
      const result = await execute(
        platform.serverId,
        { symbolUpdate: { symbol: 'EURUSD', set: { swap_long: '-7.25', swap_short: '2.1', triple_swap_day: '4', sessions_trades: sessions } } },
        symbolSnapshot(symbol),
      );
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      const simulated = platform.simulator.state.symbols.get('EURUSD')!;
      expect([simulated.swapLong, simulated.swapShort, simulated.swap3Day]).toEqual([-7.25, 2.1, 4]);
      expect(simulated.sessionsTrades[5]).toEqual([{ open: 0, close: 1320 }]);
    });

    it('moves the stop loss of an open position', async () => {
      const position = [...platform.simulator.state.positions.values()].find((candidate) => candidate.action === 0)!;
      const login = position.login.toString();
      const live = (await read('getPositions', { serverId: platform.serverId, login })).positions.find((candidate) => candidate.position === position.position.toString())!;
      const { digits } = (await read('getSymbols', { serverId: platform.serverId, mask: position.symbol })).symbols[0]!;
      const stopLoss = (position.priceOpen * 0.98).toFixed(digits);
      const result = await execute(platform.serverId, { positionUpdate: { login, position: live.position, set: { price_sl: stopLoss }, throughDealer: false } }, positionSnapshot(live));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      expect(platform.simulator.state.positions.get(position.position)!.priceSL).toBeCloseTo(Number(stopLoss), 8);
    });

    it('moves a stop loss through the dealer queue, whose trade rules refuse one on the wrong side of the price', async () => {
      const position = [...platform.simulator.state.positions.values()].find((candidate) => candidate.action === 0 && candidate.priceSL === 0 && candidate.symbol === 'EURUSD')!;
      const login = position.login.toString();
      const ticket = position.position.toString();
      const live = () => read('getPositions', { serverId: platform.serverId, login }).then((reply) => reply.positions.find((candidate) => candidate.position === ticket)!);
      const bid = platform.simulator.state.symbols.get('EURUSD')!.bid;
      const wrongSide = await execute(platform.serverId, { positionUpdate: { login, position: ticket, set: { price_sl: (bid + 0.005).toFixed(5) }, throughDealer: true } }, positionSnapshot(await live()));
      expect(wrongSide.status).toBe(ItemStatus.ITEM_STATUS_REJECTED);
      expect(wrongSide.mtRetcode).toMatch(new RegExp(`^${MtRetcode.REQUEST_INVALID_STOPS} `));
      const stopLoss = (bid - 0.005).toFixed(5);
      const result = await execute(platform.serverId, { positionUpdate: { login, position: ticket, set: { price_sl: stopLoss }, throughDealer: true } }, positionSnapshot(await live()));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      expect(platform.simulator.state.positions.get(position.position)!.priceSL).toBe(Number(stopLoss));
    });

    it('moves the stop loss of a pending order, keeping its take profit; a retry after a lost answer does not write again', async () => {
      const order = [...platform.simulator.state.orders.values()][0]!;
      const login = order.login.toString();
      const ticket = order.order.toString();
      const { digits } = platform.simulator.state.symbols.get(order.symbol)!;
      const takeProfit = order.priceTP;
      const stopLoss = stopLossFor(order, digits);
      const lostBefore = platform.simulator.state.counters.lostAnswers;
      // Every order/update loses its answer: the item can only end APPLIED if the retry finds the value written and
      // leaves it, instead of writing (and losing the answer) again until it gives up.
      platform.simulator.setFaults({ lostAnswerRate: 1, paths: ['/api/order/update'] });
      let result: eventsV1.ItemExecuted;
      try {
        result = await execute(platform.serverId, { orderUpdate: { login, order: ticket, set: { price_sl: stopLoss } } }, await orderBefore(platform.serverId, login, ticket));
      } finally {
        platform.simulator.resetFaults();
      }
      expect([result.status, result.errorMessage, result.attempt]).toEqual([ItemStatus.ITEM_STATUS_APPLIED, '', 2]);
      expect(platform.simulator.state.counters.lostAnswers - lostBefore).toBe(1);
      expect(result.before).toMatchObject({ order: ticket, login, price_order: String(order.priceOrder) });
      expect(result.after).toMatchObject({ order: ticket, price_sl: String(Number(stopLoss)) });
      expect(platform.simulator.state.orders.get(order.order)).toMatchObject({ priceSL: Number(stopLoss), priceTP: takeProfit });
    });

    it('does not touch a pending order moved since approval: its stops were checked against the old price', async () => {
      const order = [...platform.simulator.state.orders.values()][1]!;
      const login = order.login.toString();
      const ticket = order.order.toString();
      const { digits } = platform.simulator.state.symbols.get(order.symbol)!;
      const before = await orderBefore(platform.serverId, login, ticket);
      const slBefore = order.priceSL;
      const result = await execute(platform.serverId, { orderUpdate: { login, order: ticket, set: { price_sl: stopLossFor(order, digits, 0.02) } } }, { ...before, price_order: String(order.priceOrder * 1.001) });
      expect([result.status, result.errorCode]).toEqual([ItemStatus.ITEM_STATUS_DRIFTED, 'BEFORE_STATE_DRIFTED']);
      expect(result.errorMessage).toContain('price_order');
      expect(platform.simulator.state.orders.get(order.order)!.priceSL).toBe(slBefore);
      const gone = await execute(platform.serverId, { orderUpdate: { login, order: '8999999', set: { price_sl: '1' } } }, { ...before, order: '8999999' });
      expect([gone.status, gone.errorCode]).toEqual([ItemStatus.ITEM_STATUS_FAILED, 'TARGET_NOT_FOUND']);
    });

    it('books a credit and a withdrawal, and reports a withdrawal above free margin as rejected with the retcode', async () => {
      const login = '500003';
      const credit = await execute(platform.serverId, { balance: { login, dealType: BalanceDealType.BALANCE_DEAL_TYPE_CREDIT, amount: '250.00', currency: 'USD' } }, await accountBefore(platform.serverId, login));
      expect(credit.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      expect(credit.after).toMatchObject({ credit: '250' });
      const withdrawal = await execute(platform.serverId, { balance: { login, dealType: BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '-100.00', currency: 'USD' } }, await accountBefore(platform.serverId, login));
      expect(withdrawal.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      const deals = platform.simulator.state.deals.filter((deal) => deal.comment === withdrawal.executionToken);
      expect(deals.map((deal) => deal.profit)).toEqual([-10000n]);
      const tooMuch = await execute(platform.serverId, { balance: { login, dealType: BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '-1000000.00', currency: 'USD' } }, await accountBefore(platform.serverId, login));
      expect(tooMuch.status).toBe(ItemStatus.ITEM_STATUS_REJECTED);
      expect(tooMuch.mtRetcode).toMatch(new RegExp(`^${MtRetcode.REQUEST_NO_MONEY} `));
      expect(platform.simulator.state.deals.some((deal) => deal.comment === tooMuch.executionToken)).toBe(false);
    });

    it('reports a configuration change sent to a trade server as rejected (12001), the main server unchanged', async () => {
      const group = (await read('getGroup', { serverId: platform.tradeServerId, group: 'real\\retail\\eur' })).group!;
      const result = await execute(platform.tradeServerId, { groupUpdate: { group: group.group, set: { margin_call: '95' } } }, groupSnapshot(group));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_REJECTED);
      expect(result.mtRetcode).toMatch(new RegExp(`^${MtRetcode.API_MAIN_SERVER_ONLY} `));
      expect(platform.simulator.state.groups.get(group.group)!.marginCall).toBe(Number(group.marginCall));
    });

    it('refuses a change naming a field the vocabulary does not have, sending nothing', async () => {
      const login = '500004';
      const before = await accountBefore(platform.serverId, login);
      const result = await execute(platform.serverId, { accountUpdate: { login, set: { balance: '1000000' } } }, before);
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_FAILED);
      expect(result.errorCode).toBe('INVALID_CHANGE');
      expect(result.errorMessage).toContain('set.balance');
    });
  });

  describe('on MT4 through the manager bridge', () => {
    it('updates an account by rewriting the whole user record', async () => {
      const login = '700002';
      const before = await accountBefore(platform.mt4ServerId, login);
      const result = await execute(platform.mt4ServerId, { accountUpdate: { login, set: { leverage: '50', email: 'tom.byrne@example.org' } } }, before);
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      const account = platform.mt4.state.accounts.get(700002n)!;
      expect([account.leverage, account.email, account.firstName]).toEqual([50, 'tom.byrne@example.org', 'Tom']);
    });

    it('converts a symbol change to MT4 conventions (triple swap day from Monday)', async () => {
      const symbol = (await read('getSymbols', { serverId: platform.mt4ServerId, mask: 'GBPUSD' })).symbols[0]!;
      const result = await execute(platform.mt4ServerId, { symbolUpdate: { symbol: 'GBPUSD', set: { spread: '18', triple_swap_day: '5' } } }, symbolSnapshot(symbol));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_APPLIED);
      const simulated = platform.mt4.state.symbols.get('GBPUSD')!;
      expect([simulated.spread, simulated.swap3Day]).toEqual([18, 5]);
    });

    it('reports a write the server did not take as asked (a price beyond the symbol digits comes back rounded)', async () => {
      const trade = [...platform.mt4.state.positions.values()].find((candidate) => candidate.action === 0 && candidate.symbol === 'US500');
      if (!trade) throw new Error('the seeded MT4 data has no US500 buy to test with');
      const login = trade.login.toString();
      const live = (await read('getPositions', { serverId: platform.mt4ServerId, login })).positions.find((candidate) => candidate.position === trade.position.toString())!;
      // US500 quotes with one digit; the server stores the price at that precision.
      const result = await execute(platform.mt4ServerId, { positionUpdate: { login, position: live.position, set: { price_tp: (trade.priceOpen + 50.04).toFixed(2) }, throughDealer: false } }, positionSnapshot(live));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_FAILED);
      expect(result.errorCode).toBe('VERIFICATION_MISMATCH');
      expect(result.errorMessage).toContain('price_tp');
    });

    it('fails a change MT4 cannot express, sending nothing', async () => {
      const group = (await read('getGroup', { serverId: platform.mt4ServerId, group: 'real-std-usd' })).group!;
      const result = await execute(platform.mt4ServerId, { groupUpdate: { group: 'real-std-usd', set: { symbols: 'Forex\\*' } } }, groupSnapshot(group));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_FAILED);
      expect(result.errorCode).toBe('UNSUPPORTED_ON_PLATFORM');
    });

    it('refuses a stop loss on the wrong side through trade logic (MT4 130)', async () => {
      const trade = [...platform.mt4.state.positions.values()].find((candidate) => candidate.action === 0 && candidate.symbol === 'EURUSD');
      if (!trade) throw new Error('the seeded MT4 data has no EURUSD buy to test with');
      const login = trade.login.toString();
      const live = (await read('getPositions', { serverId: platform.mt4ServerId, login })).positions.find((candidate) => candidate.position === trade.position.toString())!;
      const above = (platform.mt4.state.symbols.get('EURUSD')!.bid + 0.01).toFixed(5);
      const result = await execute(platform.mt4ServerId, { positionUpdate: { login, position: live.position, set: { price_sl: above }, throughDealer: true } }, positionSnapshot(live));
      expect(result.status).toBe(ItemStatus.ITEM_STATUS_REJECTED);
      expect(result.mtRetcode).toMatch(/^130 /);
    });

    it('moves the stops of a pending order through trade logic, which refuses them on the wrong side of its price (130)', async () => {
      const order = [...platform.mt4.state.orders.values()][0];
      if (!order) throw new Error('the seeded MT4 data has no pending order to test with');
      const login = order.login.toString();
      const ticket = order.order.toString();
      const { digits } = platform.mt4.state.symbols.get(order.symbol)!;
      const wrongSide = await execute(platform.mt4ServerId, { orderUpdate: { login, order: ticket, set: { price_tp: stopLossFor(order, digits) } } }, await orderBefore(platform.mt4ServerId, login, ticket));
      expect(wrongSide.status).toBe(ItemStatus.ITEM_STATUS_REJECTED);
      expect(wrongSide.mtRetcode).toMatch(/^130 /);
      const stopLoss = stopLossFor(order, digits);
      const takeProfit = order.priceTP;
      const result = await execute(platform.mt4ServerId, { orderUpdate: { login, order: ticket, set: { price_sl: stopLoss } } }, await orderBefore(platform.mt4ServerId, login, ticket));
      expect([result.status, result.errorMessage]).toEqual([ItemStatus.ITEM_STATUS_APPLIED, '']);
      expect(platform.mt4.state.orders.get(order.order)).toMatchObject({ priceSL: Number(stopLoss), priceTP: takeProfit, priceOrder: order.priceOrder });
    });

    it('modifies the stop loss of an open trade', async () => {
      const trade = [...platform.mt4.state.positions.values()].find((candidate) => candidate.action === 1)!;
      const takeProfitBefore = trade.priceTP;
      const login = trade.login.toString();
      const live = (await read('getPositions', { serverId: platform.mt4ServerId, login })).positions.find((candidate) => candidate.position === trade.position.toString())!;
      const { digits } = (await read('getSymbols', { serverId: platform.mt4ServerId, mask: trade.symbol })).symbols[0]!;
      const stopLoss = (trade.priceOpen * 1.02).toFixed(digits);
      const result = await execute(platform.mt4ServerId, { positionUpdate: { login, position: live.position, set: { price_sl: stopLoss }, throughDealer: false } }, positionSnapshot(live));
      expect([result.status, result.errorMessage]).toEqual([ItemStatus.ITEM_STATUS_APPLIED, '']);
      const simulated = platform.mt4.state.positions.get(trade.position)!;
      expect(simulated.priceSL).toBeCloseTo(Number(stopLoss), 8);
      expect(simulated.priceTP).toBe(takeProfitBefore);
    });
  });
});
