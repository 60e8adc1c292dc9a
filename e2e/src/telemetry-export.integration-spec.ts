import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { operationReaches } from './operation-steps';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpPoint {
  attributes?: OtlpAttribute[];
  asInt?: string | number;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[] };
}
interface OtlpMetricsRequest {
  resourceMetrics: { resource: { attributes: OtlpAttribute[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[];
}
interface OtlpTracesRequest {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: { name: string; traceId: string }[] }[] }[];
}

/** An OTLP/HTTP receiver (JSON, as the services' exporters send it), standing where a collector would. */
function startReceiver(): Promise<{ server: Server; endpoint: string; metrics: OtlpMetricsRequest[]; traces: OtlpTracesRequest[] }> {
  const metrics: OtlpMetricsRequest[] = [];
  const traces: OtlpTracesRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/v1/metrics') metrics.push(JSON.parse(body) as OtlpMetricsRequest);
      if (request.url === '/v1/traces') traces.push(JSON.parse(body) as OtlpTracesRequest);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, metrics, traces })));
}

const attribute = (attributes: OtlpAttribute[] | undefined, key: string) => attributes?.find((candidate) => candidate.key === key)?.value.stringValue;
const pointValue = (point: OtlpPoint) => Number(point.asInt ?? point.asDouble ?? NaN);

// Issue 7: the OpenTelemetry exporter is configured by environment, and metrics for pools, consumer lag and operation
// outcomes are exported. The gateway runs as its own process here (the SDK patches modules at start, which Jest's
// sandbox does not allow), exporting to a receiver every second.
describe('telemetry export from a gateway process', () => {
  let platform: InProcessPlatform;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;

  beforeAll(async () => {
    receiver = await startReceiver();
    platform = await startInProcessPlatform('telemetry', {
      gateway: 'process',
      generatedAccounts: 10,
      gatewayEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_METRIC_EXPORT_INTERVAL: '1000' },
    });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
  });

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  it('exports pool, consumer-lag and outbox metrics, and the spans of an execution', async () => {
    const token = await userToken('agent');
    const request = intakeV1.SubmitOperationRequest.fromPartial({
      clientRequestId: randomUUID(),
      operationType: 'balance.deposit',
      items: [{ serverId: platform.serverId, balanceDeposit: { login: '500001', amount: { amount: '1.00', currency: 'USD' }, comment: 'telemetry' } }],
    });
    const { operation } = await unaryCall(intake, 'submitOperation', request, bearerMetadata(token), 60_000);
    await operationReaches(intake, bearerMetadata(token), operation!.operationId, operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);

    await eventually(
      async () => {
        const latest = new Map<string, OtlpMetric[]>();
        for (const batch of receiver.metrics) {
          for (const resource of batch.resourceMetrics) {
            expect(attribute(resource.resource.attributes, 'service.name')).toBe('tradewarden-gateway');
            for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) latest.set(metric.name, [...(latest.get(metric.name) ?? []), metric]);
          }
        }
        const points = (name: string) => (latest.get(name) ?? []).flatMap((metric) => metric.gauge?.dataPoints ?? metric.sum?.dataPoints ?? []);
        const caps = points('tradewarden.gateway.pool.connections.max').filter((point) => attribute(point.attributes, 'tradewarden.server.id') === platform.serverId);
        expect(caps.map(pointValue)).toContain(3);
        expect(points('tradewarden.gateway.pool.connections').some((point) => attribute(point.attributes, 'tradewarden.server.id') === platform.serverId)).toBe(true);
        expect(points('tradewarden.gateway.mt.requests').some((point) => attribute(point.attributes, 'tradewarden.server.id') === platform.serverId && pointValue(point) > 0)).toBe(true);
        const lag = points('tradewarden.kafka.consumer.lag');
        expect(lag.some((point) => (attribute(point.attributes, 'messaging.consumer.group.name') ?? '').endsWith('tradewarden.gateway.execution'))).toBe(true);
        expect(points('tradewarden.outbox.backlog').length).toBeGreaterThan(0);
      },
      60_000,
      1000,
    );
    await eventually(
      async () => {
        const spans = receiver.traces.flatMap((batch) => batch.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
        expect(spans.some((span) => span.name === 'consume ExecutionRequested')).toBe(true);
      },
      30_000,
      1000,
    );
  });
});
