import { status, type ServiceError } from '@grpc/grpc-js';
import { fetchClientCredentialsToken } from '@tradewarden/auth';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { demoRealm } from '@tradewarden/local-infra';
import { PLATFORM_TARGETS } from '@tradewarden/platform-change';
import { intakeV1, type operationV1 } from '@tradewarden/proto';
import { eventually, harnessServers, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

type Caller = 'agent' | 'supervisor' | 'compliance' | 'admin' | 'crm';
const CALLERS: readonly Caller[] = ['agent', 'supervisor', 'compliance', 'admin', 'crm'];

/**
 * The permission matrix of the demo roles through the real path: real Keycloak tokens (users, and the CRM integration's
 * client credentials) on intake's ValidateOperation, which asks identity exactly as a submission does (the scope of the
 * type and server, then every item with its group and amount) and stores nothing. Each cell is allowed or denied.
 * Grants: services/identity/src/migrations (agents: balance/account/position/order on real* and demo* groups, balance up
 * to 250,000 per item; the CRM integration: balance and account, up to 50,000; supervisors: configuration, trade
 * records, and balance on servers tagged "demo" up to 1,000,000; admins: grants and approval policies).
 */
describe('permission matrix end to end', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  const tokens = {} as Record<Caller, string>;

  beforeAll(async () => {
    platform = await startInProcessPlatform('matrix', { generatedAccounts: 10 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    for (const user of ['agent', 'supervisor', 'compliance', 'admin'] as const) tokens[user] = await userToken(user);
    const servers = harnessServers();
    tokens.crm = (await fetchClientCredentialsToken(servers.keycloakUrl, servers.realm, 'tradewarden-crm', demoRealm.clientSecret('tradewarden-crm'))).accessToken;
  });

  afterAll(async () => {
    intake?.close();
    await platform?.stop();
  });

  const usd = (amount: string) => ({ amount, currency: 'USD' });
  const deposit = (amount: string, serverId: string, login: string): Partial<operationV1.OperationItemSpec> => ({ serverId, balanceDeposit: { login, amount: usd(amount), comment: '' } });

  /** Allowed (the dry run answered, valid or not) or denied (PERMISSION_DENIED). */
  async function cell(caller: Caller, operationType: string, item: Partial<operationV1.OperationItemSpec>): Promise<'allowed' | 'denied'> {
    try {
      const preview = await unaryCall(intake, 'validateOperation', intakeV1.ValidateOperationRequest.fromPartial({ operationType, items: [item] }), bearerMetadata(tokens[caller]), 60_000);
      return preview.items.some((previewed) => previewed.errors.some((error) => error.code === 'PERMISSION_DENIED')) ? 'denied' : 'allowed';
    } catch (error) {
      if ((error as ServiceError).code === status.PERMISSION_DENIED) return 'denied';
      throw error;
    }
  }

  it('allows each demo role exactly its grants: types, servers by tag, groups and limits', async () => {
    const mt5 = () => platform.serverId;
    const mt4 = () => platform.mt4ServerId;
    const cases: [label: string, operationType: string, item: () => Partial<operationV1.OperationItemSpec>, allowed: readonly Caller[]][] = [
      ['deposit 10 on the demo-tagged MT5 server', 'balance.deposit', () => deposit('10.00', mt5(), '500001'), ['agent', 'supervisor', 'crm']],
      ['deposit 10 on the untagged MT4 server', 'balance.deposit', () => deposit('10.00', mt4(), '700001'), ['agent', 'crm']],
      ['deposit 60,000 (over the integration limit)', 'balance.deposit', () => deposit('60000.00', mt5(), '500001'), ['agent', 'supervisor']],
      ['deposit 300,000 (over the agent limit)', 'balance.deposit', () => deposit('300000.00', mt5(), '500001'), ['supervisor']],
      ['leverage of an account', 'account.set_leverage', () => ({ serverId: mt5(), accountSetLeverage: { login: '500001', leverage: 200 } }), ['agent', 'crm']],
      ['margin levels of a group', 'group.set_margin_levels', () => ({ serverId: mt5(), groupSetMarginLevels: { group: 'real\\retail\\usd', marginCall: '90', marginStopOut: '40' } }), ['supervisor']],
      ['spread of a symbol', 'symbol.set_spread', () => ({ serverId: mt5(), symbolSetSpread: { symbol: 'EURUSD', spread: 12 } }), ['supervisor']],
      ['stops of a position', 'position.modify_stops', () => ({ serverId: mt5(), positionModifyStops: { login: '500001', position: '1', priceSl: '1.0', throughDealer: false } }), ['agent', 'supervisor']],
      [
        'a grant',
        'grant.set',
        () => ({ serverId: PLATFORM_TARGETS.identity, grantSet: { role: 'compliance', action: 'view', operationTypePattern: 'balance.*', serverPattern: '*', serverTags: [], groupMasks: [], limits: [] } }),
        ['admin'],
      ],
    ];
    // Identity learns the servers' tags from the registry's events, which may still be on their way.
    await eventually(async () => expect(await cell('supervisor', 'balance.deposit', deposit('10.00', mt5(), '500001'))).toBe('allowed'));
    const actual: Record<string, Record<Caller, string>> = {};
    const expected: Record<string, Record<Caller, string>> = {};
    for (const [label, operationType, item, allowed] of cases) {
      actual[label] = {} as Record<Caller, string>;
      expected[label] = {} as Record<Caller, string>;
      for (const caller of CALLERS) {
        actual[label][caller] = await cell(caller, operationType, item());
        expected[label][caller] = allowed.includes(caller) ? 'allowed' : 'denied';
      }
    }
    expect(actual).toEqual(expected);
  });
});
