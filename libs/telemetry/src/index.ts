export { startTelemetry } from './start-telemetry';
export type { TelemetryOptions, TelemetryHandle } from './start-telemetry';
export { withSpan, currentTraceId, injectTraceHeaders, extractTraceContext, runInContext } from './trace-context';
export { tradewardenMeter } from './metrics';
