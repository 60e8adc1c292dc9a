// In-process entry for tests and the local launcher; main.ts runs it as its own process.
export { startSimulator } from './simulator';
export type { SimulatorOptions, RunningSimulator } from './simulator';
export { generateSimulatorCertificate, loadOrCreateSimulatorCertificate } from './certificate';
export type { SimulatorCertificate } from './certificate';
