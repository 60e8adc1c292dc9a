import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

const DEPOSITS = 1000;
const ACCOUNTS = [500001n, 500002n, 500003n, 500004n, 500005n];

// Guarantee 3 of the product brief: each item is applied at most once and every approved item is applied or reported,
// across a gateway crash and answers the MT server never delivered (the deposit booked, the reply lost).
describe('gateway killed mid-batch while the server loses answers', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;

  beforeAll(async () => {
    platform = await startInProcessPlatform('crash', { gateway: 'process' });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
  });

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
  });

  const tokenDeals = () => platform.simulator.state.deals.filter((deal) => deal.comment.startsWith('TW-'));

  it('applies every one of 1,000 deposits exactly once', async () => {
    const token = await userToken('agent');
    const before = new Map(ACCOUNTS.map((login) => [login, platform.simulator.state.accounts.get(login)!.balance]));
    const request = intakeV1.SubmitOperationRequest.fromPartial({
      clientRequestId: 'crash-batch-1',
      operationType: 'balance.deposit',
      items: Array.from({ length: DEPOSITS }, (_, i) => ({
        serverId: platform.serverId,
        balanceDeposit: { login: ACCOUNTS[i % ACCOUNTS.length]!.toString(), amount: { amount: '1.00', currency: 'USD' }, comment: `payout ${i + 1}` },
      })),
    });
    const submitted = await unaryCall(intake, 'submitOperation', request, bearerMetadata(token), 180_000);
    const operationId = submitted.operation!.operationId;

    // One answer in ten is lost after the deposit was booked.
    platform.simulator.setFaults({ lostAnswerRate: 0.1, latencyMs: { base: 1, jitter: 2 }, paths: ['/api/trade/balance'] });
    await eventually(async () => expect(tokenDeals().length).toBeGreaterThanOrEqual(250), 120_000, 50);
    await platform.gatewayProcess!.kill();
    const appliedAtCrash = tokenDeals().length;
    expect(appliedAtCrash).toBeLessThan(DEPOSITS);
    await platform.startGatewayProcess();

    const operation = await eventually(
      async () => {
        const reply = await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), bearerMetadata(token), 30_000);
        expect(reply.operation!.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_COMPLETED);
        return reply.operation!;
      },
      240_000,
      1000,
    );

    expect(operation.items.filter((item) => item.status === operationV1.ItemStatus.ITEM_STATUS_APPLIED)).toHaveLength(DEPOSITS);
    const deals = tokenDeals();
    expect(deals).toHaveLength(DEPOSITS);
    expect(new Set(deals.map((deal) => deal.comment)).size).toBe(DEPOSITS);
    const expectedTokens = new Set(operation.items.map((item) => `TW-${item.itemId.replace(/-/g, '').slice(0, 28)}`));
    expect(deals.every((deal) => expectedTokens.has(deal.comment))).toBe(true);
    for (const login of ACCOUNTS) {
      expect(platform.simulator.state.accounts.get(login)!.balance - before.get(login)!).toBe(BigInt((DEPOSITS / ACCOUNTS.length) * 100));
    }
    // Executors run in parallel, yet each account's deposits reached the server in the order they were approved.
    const rowOfToken = new Map(operation.items.map((item) => [`TW-${item.itemId.replace(/-/g, '').slice(0, 28)}`, item.rowNumber]));
    for (const login of ACCOUNTS) {
      const rows = deals.filter((deal) => deal.login === login).map((deal) => rowOfToken.get(deal.comment)!);
      expect(rows).toEqual([...rows].sort((a, b) => a - b));
    }
    expect(platform.simulator.state.counters.lostAnswers).toBeGreaterThan(0);
  }, 600_000);
});
