// The MT trading server simulator: in process for tests, and as its own process through services/mt-simulator.
export { startSimulator } from './simulator';
export type { SimulatorOptions, RunningSimulator } from './simulator';
export { generateSimulatorCertificate, loadOrCreateSimulatorCertificate } from './certificate';
export type { SimulatorCertificate } from './certificate';
export { NO_FAULTS } from './faults';
export type { FaultSettings } from './faults';
export { startSimulatorAdmin } from './admin-server';
export { startMt4Bridge, Mt4RetCode } from './mt4-bridge-server';
export type { RunningMt4Bridge, Mt4BridgeOptions } from './mt4-bridge-server';
