export { readRuntimeFile, writeRuntimeFile, removeRuntimeFile, runtimeFilePath, SERVICE_NAMES } from './runtime-file';
export type { PlatformEndpoints, ServiceName, SimulatedWebApiServer } from './runtime-file';
export { webApiAnswers } from './web-api-probe';
