import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint (e.g. http://collector:4318). Without one, spans exist (ids flow) but are not exported. */
  otlpEndpoint?: string;
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
  // Logs and metrics go through our own channels for now; without this the SDK would try an OTLP default.
  process.env['OTEL_LOGS_EXPORTER'] ??= 'none';
  process.env['OTEL_METRICS_EXPORTER'] ??= 'none';
  const spanProcessor: SpanProcessor = options.otlpEndpoint
    ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))
    : new NoopSpanProcessor();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: [spanProcessor],
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
