import { startTelemetry } from '@tradewarden/telemetry';

// Imported first by main.ts: the instrumentation must patch grpc-js and pg before anything loads them.
export const telemetry = startTelemetry({
  serviceName: 'tradewarden-audit',
  otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'],
  instrument: true,
});
