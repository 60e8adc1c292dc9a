import { seedGeneratedAccounts, seedMarket } from './seed-data';
import { SimulatorState, seedDemoAccounts, type SimManager } from './simulator-state';
import { seededRandom } from './seeded-random';
import { NO_FAULTS, parseFaultSettings, type FaultSettings } from './faults';
import { WebApiServer } from './webapi-server';

export interface SimulatorOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  managers: SimManager[];
  maxConnections: number;
  tls?: { certPem: string; keyPem: string };
  seed?: number;
  /** Accounts generated beyond the five demo accounts (logins from 600001), deterministic for the seed. */
  generatedAccounts?: number;
  /** Idle drop of connections and sessions (default 180 s, as MT5). */
  idleDropMs?: number;
}

export interface RunningSimulator {
  /** Base URL of the MT5 Web API. */
  webApiUrl: string;
  state: SimulatorState;
  /** Changes the faults the server shows from now on (fields not given stay as they are). */
  setFaults(settings: Partial<FaultSettings>): void;
  resetFaults(): void;
  faults(): FaultSettings;
  stop(): Promise<void>;
}

/** Starts an MT5 trading server simulator with the demo accounts, for the embedded default and tests. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const state = new SimulatorState();
  seedMarket(state);
  seedDemoAccounts(state);
  seedGeneratedAccounts(state, options.generatedAccounts ?? 0, seededRandom((options.seed ?? 1) ^ 0x5eed));
  const server = new WebApiServer(state, options);
  const webApiUrl = await server.listen();
  return {
    webApiUrl,
    state,
    setFaults: (settings) => {
      server.faults = parseFaultSettings(settings, server.faults);
    },
    resetFaults: () => {
      server.faults = NO_FAULTS;
    },
    faults: () => server.faults,
    stop: () => server.close(),
  };
}
