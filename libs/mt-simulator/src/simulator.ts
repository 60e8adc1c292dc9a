import type { DealerQueueOptions } from './dealer-queue';
import { NO_FAULTS, parseFaultSettings, type FaultSettings } from './faults';
import { seedGeneratedAccounts, seedMarket, seedPendingOrders } from './seed-data';
import { seededRandom } from './seeded-random';
import { rangesOverlap, type LoginRange, type ServerPlacement } from './server-placement';
import { SimulatorState, seedDemoAccounts, seedTradeServerDemoAccounts, type SimManager } from './simulator-state';
import { WebApiServer } from './webapi-server';

/** Settings every server of a cluster shares. */
interface SharedServerSettings {
  host: string;
  managers: SimManager[];
  /** Per server: most concurrent manager connections; more are refused (counted in that server's state). */
  maxConnections: number;
  tls?: { certPem: string; keyPem: string };
  seed?: number;
  /** Idle drop of connections and sessions (default 180 s, as MT5). */
  idleDropMs?: number;
  /** Dealer queue timing (tests shorten or lengthen it). */
  dealer?: Partial<DealerQueueOptions>;
}

export interface SimulatorOptions extends SharedServerSettings {
  /** 0 picks a free port. */
  port: number;
  /** Accounts generated beyond the five demo accounts (logins from 600001), deterministic for the seed. */
  generatedAccounts?: number;
  /** Server id (default mt5-demo-1). */
  id?: string;
}

export interface SimulatorServerOptions {
  id: string;
  /** 0 picks a free port. */
  port: number;
  /** The main server owns the configuration (groups, symbols); exactly one per cluster. */
  main: boolean;
  /**
   * First login of this server's account range: generated accounts and `login=0` allocation start here, and the range
   * runs up to the next server's firstLogin (the last server's to 999999). Default 600001 + 50000 x its position.
   */
  firstLogin?: number;
  generatedAccounts?: number;
}

export interface SimulatorClusterOptions extends SharedServerSettings {
  servers: SimulatorServerOptions[];
}

export interface SimulatorStats {
  openConnections: number;
  peakConnections: number;
  refusedConnections: number;
  stalled: number;
  lostAnswers: number;
  idleDrops: number;
  accounts: number;
  deals: number;
  positions: number;
  orders: number;
  dealerQueued: number;
}

export interface RunningSimulator {
  id: string;
  role: 'main' | 'trade';
  /** Base URL of the MT5 Web API. */
  webApiUrl: string;
  state: SimulatorState;
  /** Changes the faults the server shows from now on (fields not given stay as they are). */
  setFaults(settings: Partial<FaultSettings>): void;
  resetFaults(): void;
  faults(): FaultSettings;
  stats(): SimulatorStats;
  /** Stops this server (for a one-server simulator: everything). */
  stop(): Promise<void>;
}

export interface RunningSimulatorCluster {
  main: RunningSimulator;
  /** In the order given. */
  servers: RunningSimulator[];
  server(id: string): RunningSimulator;
  stop(): Promise<void>;
}

const LAST_LOGIN = 999_999n;
/** Each server's own demo accounts live in a block of its own: 500001-509999 for the first, 510001-519999 next. */
const DEMO_BLOCK = 10_000;

function loginRangesOf(servers: readonly SimulatorServerOptions[]): LoginRange[][] {
  const firsts = servers.map((server, index) => BigInt(server.firstLogin ?? 600_001 + 50_000 * index));
  return servers.map((server, index) => {
    const later = firsts.filter((first) => first > firsts[index]!);
    const accounts = { first: firsts[index]!, last: later.length > 0 ? later.reduce((a, b) => (a < b ? a : b)) - 1n : LAST_LOGIN };
    const generated = BigInt(server.generatedAccounts ?? 0);
    if (generated > accounts.last - accounts.first + 1n) {
      throw new Error(`server ${server.id}: ${generated} generated accounts do not fit its logins ${accounts.first}-${accounts.last}`);
    }
    const demoFirst = BigInt(500_001 + DEMO_BLOCK * index);
    return [accounts, { first: demoFirst, last: demoFirst + BigInt(DEMO_BLOCK) - 2n }];
  });
}

function validateCluster(options: SimulatorClusterOptions, ranges: readonly LoginRange[][]): void {
  if (options.servers.filter((server) => server.main).length !== 1) throw new Error('a simulator cluster has exactly one main server');
  const ids = options.servers.map((server) => server.id);
  if (new Set(ids).size !== ids.length) throw new Error(`server ids must be unique: ${ids.join(', ')}`);
  const all = ranges.flatMap((own, index) => own.map((range) => ({ range, id: ids[index]! })));
  for (const a of all) {
    for (const b of all) {
      if (a !== b && a.id !== b.id && rangesOverlap(a.range, b.range)) throw new Error(`servers ${a.id} and ${b.id} own overlapping logins`);
    }
  }
}

/**
 * An MT5 cluster as brokers run it: one main server that owns the configuration (groups and symbols, shared by
 * reference, so a change through the main server shows on every server) and trade servers that each own their
 * accounts, positions, orders and deals, in login ranges of their own. Each server listens on its own port with its
 * own sessions, connection cap, faults and counters.
 */
export async function startSimulatorCluster(options: SimulatorClusterOptions): Promise<RunningSimulatorCluster> {
  const ranges = loginRangesOf(options.servers);
  validateCluster(options, ranges);
  const mainIndex = options.servers.findIndex((server) => server.main);
  // Servers are seeded in the given order; the main server's configuration exists before any trade server uses it.
  const states = new Map<number, SimulatorState>();
  const mainState = new SimulatorState(undefined, BigInt(mainIndex) * 100_000_000n);
  seedMarket(mainState);
  states.set(mainIndex, mainState);
  const started: RunningSimulator[] = [];
  try {
    for (const [index, server] of options.servers.entries()) {
      const state = states.get(index) ?? new SimulatorState({ groups: mainState.groups, symbols: mainState.symbols }, BigInt(index) * 100_000_000n);
      const seed = options.seed ?? 1;
      if (index === 0) seedDemoAccounts(state);
      else seedTradeServerDemoAccounts(state, 500_001 + DEMO_BLOCK * index);
      const firstLogin = Number(ranges[index]![0]!.first);
      seedGeneratedAccounts(state, server.generatedAccounts ?? 0, seededRandom((seed + index) ^ 0x5eed), { firstLogin });
      const generated = [...state.accounts.keys()].filter((login) => login >= BigInt(firstLogin));
      seedPendingOrders(state, generated, seededRandom((seed + index) ^ 0x0de5));
      const placement: ServerPlacement = { id: server.id, main: server.main, loginRanges: ranges[index]! };
      started.push(await startServer(state, placement, { ...options, port: server.port, seed: seed + index * 7919 }));
    }
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
  return {
    main: started[mainIndex]!,
    servers: started,
    server: (id) => {
      const found = started.find((server) => server.id === id);
      if (!found) throw new Error(`no simulated server ${id}; there are ${started.map((server) => server.id).join(', ')}`);
      return found;
    },
    stop: async () => {
      await Promise.all(started.map((server) => server.stop()));
    },
  };
}

async function startServer(state: SimulatorState, placement: ServerPlacement, options: SharedServerSettings & { port: number }): Promise<RunningSimulator> {
  const server = new WebApiServer(state, { ...options, placement });
  const webApiUrl = await server.listen();
  return {
    id: placement.id,
    role: placement.main ? 'main' : 'trade',
    webApiUrl,
    state,
    setFaults: (settings) => {
      server.faults = parseFaultSettings(settings, server.faults);
    },
    resetFaults: () => {
      server.faults = NO_FAULTS;
    },
    faults: () => server.faults,
    stats: () => ({
      openConnections: state.openConnections,
      peakConnections: state.peakConnections,
      ...state.counters,
      accounts: state.accounts.size,
      deals: state.deals.length,
      positions: state.positions.size,
      orders: state.orders.size,
      dealerQueued: server.dealer.queued,
    }),
    stop: () => server.close(),
  };
}

/** Starts one MT5 trading server (a cluster of one: the main server) with the demo accounts, for the embedded default and tests. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const { port, generatedAccounts, id, ...shared } = options;
  const cluster = await startSimulatorCluster({ ...shared, servers: [{ id: id ?? 'mt5-demo-1', port, main: true, generatedAccounts }] });
  return cluster.main;
}
