export { startTelemetry } from './start-telemetry';
export type { TelemetryOptions, TelemetryHandle } from './start-telemetry';
export { withSpan, withChildSpan, currentTraceId, injectTraceHeaders, extractTraceContext, linksToActiveSpan, startSpanAt, runInContext } from './trace-context';
export { SpanKind, SpanStatusCode } from '@opentelemetry/api';
export { tradewardenMeter } from './metrics';
