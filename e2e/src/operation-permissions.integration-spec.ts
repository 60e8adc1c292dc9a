import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, clientStreamCall, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';
import { failure } from './operation-steps';

type User = 'agent' | 'agent2' | 'supervisor';

/**
 * Item-level permissions through intake with real Keycloak users: the scopes and limits of the demo grants
 * (services/identity/src/migrations/1764300200000-scope-demo-grants.ts) decided by identity for every item, in
 * SubmitOperation, ValidateOperation and SubmitBatch. Agents: balance operations on real* and demo* groups, at most
 * 250,000 per item, 1,000,000 per operation and 2,000,000 per day in USD and EUR; supervisors: balance operations on
 * servers tagged "demo" only, at most 1,000,000 per item.
 */
describe('operation permissions end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  const tokens: Record<User, string> = { agent: '', agent2: '', supervisor: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('permissions', { generatedAccounts: 10 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    for (const user of Object.keys(tokens) as User[]) tokens[user] = await userToken(user);
  });

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
  });

  const as = (user: User) => bearerMetadata(tokens[user]);
  const usd = (amount: string): commonV1.Money => ({ amount, currency: 'USD' });
  const deposit = (login: string, amount: string, serverId = platform.serverId): Partial<operationV1.OperationItemSpec> => ({ serverId, balanceDeposit: { login, amount: usd(amount), comment: 'permissions e2e' } });
  const submit = (user: User, items: Partial<operationV1.OperationItemSpec>[]) =>
    unaryCall(intake, 'submitOperation', intakeV1.SubmitOperationRequest.fromPartial({ clientRequestId: randomUUID(), operationType: 'balance.deposit', items }), as(user), 60_000);

  it('refuses an item over the per-item limit, naming the item and the limit; the dry run shows it on the item', async () => {
    const refused = await failure(submit('agent', [deposit('500001', '100.00'), deposit('500002', '250000.01')]));
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    expect(refused.details).toBe('1 of 2 item(s) denied: items[1]: limit: at most 250000.00 USD per item for balance.deposit (ops-agent)');

    const preview = await unaryCall(intake, 'validateOperation', intakeV1.ValidateOperationRequest.fromPartial({ operationType: 'balance.deposit', items: [deposit('500001', '100.00'), deposit('500002', '250000.01')] }), as('agent'));
    expect(preview.valid).toBe(false);
    expect(preview.items.map((item) => item.errors.map((error) => error.code))).toEqual([[], ['PERMISSION_DENIED']]);
  });

  it('refuses an account outside the groups the grant covers', async () => {
    const account = platform.simulator.state.accounts.get(500003n)!;
    const group = platform.simulator.state.groups.get(account.group)!;
    platform.simulator.state.groups.set('staff\\usd', { ...group, group: 'staff\\usd' });
    const original = account.group;
    account.group = 'staff\\usd';
    try {
      const refused = await failure(submit('agent', [deposit('500003', '10.00')]));
      expect(refused.code).toBe(status.PERMISSION_DENIED);
      expect(refused.details).toContain('items[0]: missing permission "submit" for "balance.deposit"');
      expect(refused.details).toContain('staff\\usd');
    } finally {
      account.group = original;
    }
  });

  it('counts the whole operation against the per-operation limit', async () => {
    const refused = await failure(submit('agent', ['500001', '500002', '500003', '500004', '500005'].map((login) => deposit(login, '240000.00'))));
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    expect(refused.details).toContain('limit: at most 1000000.00 USD per operation for balance.deposit (ops-agent)');
  });

  it('refuses a streamed batch with an item beyond the limits, even with skip_invalid, naming the row', async () => {
    const items = ['500001', '500002', '500003', '500004'].map((login, index) => operationV1.OperationItemSpec.fromPartial(deposit(login, index === 2 ? '300000.00' : '10.00')));
    const messages = [
      intakeV1.SubmitBatchRequest.fromPartial({ header: { clientRequestId: randomUUID(), operationType: 'balance.deposit', options: { skipInvalid: true } } }),
      intakeV1.SubmitBatchRequest.fromPartial({ items: { items } }),
    ];
    const result = await clientStreamCall(intake, 'submitBatch', messages, as('agent'));
    expect(result.submitted).toBe(false);
    expect(result.errors.map((error) => [error.field, error.code])).toEqual([['items[2]', 'PERMISSION_DENIED']]);
  });

  it("adds the submitter's earlier operations of the day to the per-day limit", async () => {
    const fourAccounts = ['500001', '500002', '500004', '500005'];
    // 960,000 each: within the per-operation limit; the third passes 2,000,000 for the day.
    await submit('agent', fourAccounts.map((login) => deposit(login, '240000.00')));
    await submit('agent', fourAccounts.map((login) => deposit(login, '240000.00')));
    const third = await failure(submit('agent', fourAccounts.map((login) => deposit(login, '240000.00'))));
    expect(third.code).toBe(status.PERMISSION_DENIED);
    expect(third.details).toContain('limit: at most 2000000.00 USD per user per day for balance.deposit (ops-agent)');
  });

  it('checks submissions made at the same moment against the day one after the other', async () => {
    const fourAccounts = ['500001', '500002', '500004', '500005'];
    // Three operations of 960,000 at once: two fit the 2,000,000 day, the third must be refused whatever the timing.
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => submit('agent2', fourAccounts.map((login) => deposit(login, '240000.00')))));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')!.reason as ServiceError;
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    expect(refused.details).toContain('per user per day');
  });

  it('scopes a grant to servers by their registry tag', async () => {
    // mt5-demo-1 is tagged "demo" in the registry; the MT4 server has no tag. Identity learns tags from the registry's
    // events, which may still be on their way when the suite starts.
    const onDemo = await eventually(() => submit('supervisor', [deposit('500001', '20.00')]));
    expect(onDemo.operation!.status).toBe(operationV1.OperationStatus.OPERATION_STATUS_SUBMITTED);
    const elsewhere = await failure(submit('supervisor', [deposit('700001', '20.00', platform.mt4ServerId)]));
    expect(elsewhere.code).toBe(status.PERMISSION_DENIED);
    expect(elsewhere.details).toContain(platform.mt4ServerId);
  });
});
