import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
export interface OtlpPoint {
  attributes?: OtlpAttribute[];
  asInt?: string | number;
  asDouble?: number;
}
export interface OtlpMetric {
  name: string;
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[] };
}
export interface OtlpMetricsRequest {
  resourceMetrics: { resource: { attributes: OtlpAttribute[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[];
}
export interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind?: number;
  attributes?: OtlpAttribute[];
  links?: { traceId: string; spanId: string }[];
}
export interface OtlpTracesRequest {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}
/** A span as received, with the service that sent it. */
export interface ReceivedSpan extends OtlpSpan {
  service: string;
}

export interface OtlpReceiver {
  endpoint: string;
  metrics: OtlpMetricsRequest[];
  traces: OtlpTracesRequest[];
  /** Every span received so far, each with its resource's service.name. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

export const attribute = (attributes: OtlpAttribute[] | undefined, key: string) => attributes?.find((candidate) => candidate.key === key)?.value.stringValue;
export const pointValue = (point: OtlpPoint) => Number(point.asInt ?? point.asDouble ?? NaN);

/**
 * An OTLP/HTTP receiver (JSON, as the services' exporters send it), standing where a collector would. With keepTraces
 * false it answers trace exports without keeping them (a long test that needs only metrics).
 */
export function startOtlpReceiver({ keepTraces = true }: { keepTraces?: boolean } = {}): Promise<OtlpReceiver> {
  const metrics: OtlpMetricsRequest[] = [];
  const traces: OtlpTracesRequest[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/v1/metrics') metrics.push(JSON.parse(body) as OtlpMetricsRequest);
      if (request.url === '/v1/traces' && keepTraces) traces.push(JSON.parse(body) as OtlpTracesRequest);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        metrics,
        traces,
        spans: () =>
          traces.flatMap((batch) =>
            batch.resourceSpans.flatMap((resource) => {
              const service = attribute(resource.resource.attributes, 'service.name') ?? '';
              return resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ ...span, service })));
            }),
          ),
        close: () => new Promise<void>((closed) => server.close(() => closed())),
      }),
    ),
  );
}
