// The MT trading server simulator: in process for tests, and as its own process through services/mt-simulator.
export { startSimulator, startSimulatorCluster } from './simulator';
export type {
  SimulatorOptions,
  SimulatorClusterOptions,
  SimulatorServerOptions,
  SimulatorStats,
  RunningSimulator,
  RunningSimulatorCluster,
} from './simulator';
export type { DealerQueueOptions } from './dealer-queue';
export { UNSET as GROUP_SYMBOL_UNSET } from './group-config';
export { generateSimulatorCertificate, loadOrCreateSimulatorCertificate } from './certificate';
export type { SimulatorCertificate } from './certificate';
export { NO_FAULTS } from './faults';
export type { FaultSettings } from './faults';
export { startSimulatorAdmin, mt5AdminTarget, mt4AdminTarget } from './admin-server';
export type { SimulatorAdminTarget } from './admin-server';
export { startMt4Bridge, Mt4RetCode } from './mt4-bridge-server';
export type { RunningMt4Bridge, Mt4BridgeOptions } from './mt4-bridge-server';
