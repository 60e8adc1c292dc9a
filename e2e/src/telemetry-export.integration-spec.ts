import { randomUUID } from 'node:crypto';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { approvalPending, operationReaches } from './operation-steps';
import { attribute, pointValue, startOtlpReceiver, type OtlpMetric, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

const SERVER_SPAN = 2;
const CLIENT_SPAN = 3;

/** The spans of one trace form one tree: a single root, and every other span's parent is in the trace. */
function treeProblems(spans: ReceivedSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => !span.parentSpanId);
  const orphans = spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
  return [
    ...(roots.length === 1 ? [] : [`${roots.length} roots: ${roots.map((span) => `${span.service} ${span.name}`).join(', ')}`]),
    ...orphans.map((span) => `${span.service} ${span.name} has a parent outside the trace`),
  ];
}

// Issue 7: the OpenTelemetry exporter is configured by environment; one operation is one trace from intake through
// approval, the gateway and the MT call to audit; metrics for pools, consumer lag and operation outcomes are exported.
// The services run as processes of their own, as deployed (the SDK patches grpc-js and pg at start, which Jest's module
// sandbox does not allow), exporting to a receiver every second.
describe('telemetry export from the services', () => {
  let platform: InProcessPlatform;
  let receiver: OtlpReceiver;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let approval: GrpcClient<typeof approvalV1.ApprovalServiceService>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platform = await startInProcessPlatform('telemetry', {
      services: 'process',
      generatedAccounts: 10,
      serviceEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_BSP_SCHEDULE_DELAY: '500' },
    });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    approval = createGrpcClient(approvalV1.ApprovalServiceService, platform.addresses.approval, 'ApprovalService');
  });

  afterAll(async () => {
    intake?.close();
    approval?.close();
    await platform?.stop();
    await receiver?.close();
  });

  it('exports pool, execution-ownership, consumer-lag, outbox and operation-outcome metrics', async () => {
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
            const service = attribute(resource.resource.attributes, 'service.name') ?? '';
            for (const scope of resource.scopeMetrics) for (const metric of scope.metrics) latest.set(`${service} ${metric.name}`, [...(latest.get(`${service} ${metric.name}`) ?? []), metric]);
          }
        }
        const points = (service: string, name: string) => (latest.get(`tradewarden-${service} ${name}`) ?? []).flatMap((metric) => metric.gauge?.dataPoints ?? metric.sum?.dataPoints ?? []);
        const ofServer = (point: { attributes?: Parameters<typeof attribute>[0] }) => attribute(point.attributes, 'tradewarden.server.id') === platform.serverId;
        expect(points('gateway', 'tradewarden.gateway.pool.connections.max').filter(ofServer).map(pointValue)).toContain(3);
        expect(points('gateway', 'tradewarden.gateway.pool.connections').some(ofServer)).toBe(true);
        expect(points('gateway', 'tradewarden.gateway.mt.requests').some((point) => ofServer(point) && pointValue(point) > 0)).toBe(true);
        expect(points('gateway', 'tradewarden.gateway.execution.partitions').some((point) => pointValue(point) >= 1)).toBe(true);
        expect(points('gateway', 'tradewarden.gateway.execution.servers').some(ofServer)).toBe(true);
        const lag = points('gateway', 'tradewarden.kafka.consumer.lag');
        expect(lag.some((point) => (attribute(point.attributes, 'messaging.consumer.group.name') ?? '').endsWith('tradewarden.gateway.execution'))).toBe(true);
        for (const service of ['intake', 'approval', 'gateway', 'audit']) expect(points(service, 'tradewarden.outbox.backlog').length).toBeGreaterThan(0);
        const finished = points('intake', 'tradewarden.operations.finished').filter((point) => attribute(point.attributes, 'tradewarden.operation.type') === 'balance.deposit');
        expect(finished.some((point) => attribute(point.attributes, 'tradewarden.operation.status') === 'COMPLETED' && pointValue(point) >= 1)).toBe(true);
      },
      60_000,
      1000,
    );
  });

  it('shows one operation as one trace: intake, identity, approval, gateway, the MT call and audit', async () => {
    const agent = bearerMetadata(await userToken('agent'));
    const supervisor = bearerMetadata(await userToken('supervisor'));
    // A withdrawal needs a supervisor's approval: the approver's call is a trace of its own, which the operation's links to.
    const request = intakeV1.SubmitOperationRequest.fromPartial({
      clientRequestId: randomUUID(),
      operationType: 'balance.withdrawal',
      items: [{ serverId: platform.serverId, balanceWithdrawal: { login: '500002', amount: { amount: '2.00', currency: 'USD' }, comment: 'one trace' } }],
    });
    const { operation } = await unaryCall(intake, 'submitOperation', request, agent, 60_000);
    const pending = await approvalPending(approval, supervisor, operation!.operationId);
    await unaryCall(approval, 'approve', { operationId: pending.operationId, planDigest: pending.planDigest, comment: 'traced' }, supervisor);
    await operationReaches(intake, agent, operation!.operationId, operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);

    await eventually(
      async () => {
        const spans = receiver.spans();
        const dispatch = spans.find((span) => span.name === 'dispatch all' && attribute(span.attributes, 'tradewarden.operation.id') === operation!.operationId);
        expect(dispatch).toBeDefined();
        const trace = spans.filter((span) => span.traceId === dispatch!.traceId);
        const seen = trace.filter((span) => !span.name.startsWith('pg')).map((span) => `${span.service.replace('tradewarden-', '')}: ${span.name}`);
        expect(seen).toEqual(
          expect.arrayContaining([
            'intake: grpc IntakeController.submitOperation',
            'identity: grpc IdentityController.authorize',
            'approval: consume OperationSubmitted',
            'intake: dispatch all',
            'gateway: consume ExecutionRequested',
            'gateway: mt5 /api/trade/balance',
            'intake: consume ItemExecuted',
            'audit: consume OperationSubmitted',
            'audit: consume ItemExecuted',
          ]),
        );
        // The approval arrives in the approver's trace, which the dispatch links to (below).
        expect(seen).not.toContain('intake: consume OperationApproved');
        expect(trace.find((span) => span.name === 'mt5 /api/trade/balance')).toMatchObject({ kind: CLIENT_SPAN });
        expect(treeProblems(trace)).toEqual([]);
        const root = trace.find((span) => !span.parentSpanId)!;
        expect(root).toMatchObject({ service: 'tradewarden-intake', kind: SERVER_SPAN });

        // The dispatch continues the operation's trace and links to the approver's call, which is a trace of its own.
        const approverCall = spans.find((span) => span.service === 'tradewarden-approval' && span.name === 'grpc ApprovalController.approve');
        expect(approverCall).toBeDefined();
        expect(approverCall!.traceId).not.toBe(dispatch!.traceId);
        expect((dispatch!.links ?? []).map((link) => link.traceId)).toContain(approverCall!.traceId);
      },
      60_000,
      1000,
    );
  });
});
