import { metrics, type Meter } from '@opentelemetry/api';

/**
 * The meter every Tradewarden instrument is made on. Instruments made before the SDK starts (or without one, as in
 * tests) record nothing and cost nothing; with OTEL_EXPORTER_OTLP_ENDPOINT they are exported every interval.
 */
export function tradewardenMeter(): Meter {
  return metrics.getMeter('tradewarden');
}
