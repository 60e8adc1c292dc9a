import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /**
   * OTLP/HTTP endpoint (e.g. http://collector:4318) for traces and metrics. Without one, spans exist (ids flow) and
   * instruments record, but nothing is exported.
   */
  otlpEndpoint?: string;
  /** How often metrics are exported; OTEL_METRIC_EXPORT_INTERVAL (ms) or 15 s. */
  metricExportIntervalMs?: number;
  /**
   * Patch @grpc/grpc-js and pg so gRPC metadata carries traceparent and queries become spans. Must run before those
   * modules are loaded, so service entry points start telemetry first; Jest's module sandbox cannot be patched.
   */
  instrument: boolean;
}

export interface TelemetryHandle {
  shutdown(): Promise<void>;
}

let running: TelemetryHandle | undefined;

/** Starts the OpenTelemetry SDK once per process; later calls return the running handle. */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  if (running) return running;
  // Logs go through our own channel; metrics through the reader below. Without these the SDK would try OTLP defaults.
  process.env['OTEL_LOGS_EXPORTER'] ??= 'none';
  process.env['OTEL_METRICS_EXPORTER'] ??= 'none';
  const endpoint = options.otlpEndpoint?.replace(/\/$/, '');
  const spanProcessor: SpanProcessor = endpoint ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })) : new NoopSpanProcessor();
  const intervalMs = options.metricExportIntervalMs ?? (Number(process.env['OTEL_METRIC_EXPORT_INTERVAL']) || 15_000);
  const metricReader = endpoint
    ? new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }), exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(intervalMs, 10_000) })
    : undefined;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [spanProcessor],
    ...(metricReader ? { metricReader } : {}),
    instrumentations: options.instrument ? [new GrpcInstrumentation(), new PgInstrumentation()] : [],
  });
  sdk.start();
  const handle: TelemetryHandle = {
    shutdown: async () => {
      running = undefined;
      await sdk.shutdown();
    },
  };
  running = handle;
  return handle;
}
