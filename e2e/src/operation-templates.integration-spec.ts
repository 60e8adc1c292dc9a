import { status, type ServiceError } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { auditV1, intakeV1 } from '@tradewarden/proto';
import { eventually, userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform, type InProcessPlatform } from './in-process-platform';

/**
 * Operation templates through the intake API with real Keycloak users: admins save versions, everyone with the view
 * permission lists and reads them, nobody else saves, and a bad template is refused field by field.
 */
describe('operation templates', () => {
  let platform: InProcessPlatform;
  let intake: GrpcClient<typeof intakeV1.IntakeServiceService>;
  let audit: GrpcClient<typeof auditV1.AuditServiceService>;
  const tokens: Record<'admin' | 'agent' | 'compliance', string> = { admin: '', agent: '', compliance: '' };

  beforeAll(async () => {
    platform = await startInProcessPlatform('templates', { generatedAccounts: 10 });
    intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    audit = createGrpcClient(auditV1.AuditServiceService, platform.addresses.audit, 'AuditService');
    for (const user of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[user] = await userToken(user);
  });

  afterAll(async () => {
    intake?.close();
    audit?.close();
    await platform?.stop();
  });

  const as = (user: keyof typeof tokens) => bearerMetadata(tokens[user]);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: ServiceError) => error,
    );

  const welcomeBonus = (description: string): intakeV1.SaveTemplateRequest =>
    intakeV1.SaveTemplateRequest.fromPartial({
      template: {
        name: 'welcome-bonus',
        operationType: 'balance.credit_in',
        description,
        fixed: { balanceCreditIn: { comment: 'welcome bonus', amount: { currency: 'USD' } } },
        constraints: { maxAmountPerItem: { amount: '500.00', currency: 'USD' }, groupMasks: ['real\\*', 'demo\\*'], maxItems: 1000 },
        approvalPolicy: 'bonus',
      },
    });

  const save = (user: keyof typeof tokens, request: intakeV1.SaveTemplateRequest) => unaryCall(intake, 'saveTemplate', request, as(user));
  const get = (user: keyof typeof tokens, name: string, version = 0) => unaryCall(intake, 'getTemplate', intakeV1.GetTemplateRequest.fromPartial({ name, version }), as(user));

  it('saves each change as the next version, recording who saved it', async () => {
    const first = (await save('admin', welcomeBonus('USD credit for new accounts'))).template!;
    expect(first).toMatchObject({
      name: 'welcome-bonus',
      version: 1,
      operationType: 'balance.credit_in',
      description: 'USD credit for new accounts',
      fixed: { serverId: '', balanceCreditIn: { login: '', amount: { amount: '', currency: 'USD' }, comment: 'welcome bonus' } },
      constraints: { maxAmountPerItem: { amount: '500.00', currency: 'USD' }, groupMasks: ['real\\*', 'demo\\*'], serverIds: [], maxItems: 1000 },
      approvalPolicy: 'bonus',
      createdBy: 'admin',
    });
    expect(first.createdAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const second = (await save('admin', welcomeBonus('USD credit for new retail accounts'))).template!;
    expect(second).toMatchObject({ name: 'welcome-bonus', version: 2, description: 'USD credit for new retail accounts', createdBy: 'admin' });

    // Each saved version is in the audit trail, whole, with who saved it.
    const saves = await eventually(async () => {
      const { records } = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ operationId: '', afterSequence: '', pageSize: 1000 }), as('compliance'));
      const found = records.filter((record) => record.eventType === 'TemplateSaved');
      expect(found).toHaveLength(2);
      return found;
    });
    expect(saves.map((record) => record.actorUsername)).toEqual(['admin', 'admin']);
    const details = saves.map((record) => JSON.parse(record.detailsJson) as { template: { name: string; version: number; description: string; constraints: { maxAmountPerItem: { amount: string } } } });
    expect(details.map(({ template }) => [template.name, template.version, template.description, template.constraints.maxAmountPerItem.amount])).toEqual([
      ['welcome-bonus', 1, 'USD credit for new accounts', '500.00'],
      ['welcome-bonus', 2, 'USD credit for new retail accounts', '500.00'],
    ]);
  });

  it('lists the latest version of each template to users who may view them', async () => {
    for (const user of ['agent', 'compliance'] as const) {
      const { templates } = await unaryCall(intake, 'listTemplates', intakeV1.ListTemplatesRequest.fromPartial({}), as(user));
      const bonus = templates.filter((template) => template.name === 'welcome-bonus');
      expect(bonus.map((template) => template.version)).toEqual([2]);
    }
  });

  it('reads the latest version, or one version by number or as name@version', async () => {
    expect((await get('agent', 'welcome-bonus')).template).toMatchObject({ version: 2, description: 'USD credit for new retail accounts' });
    expect((await get('agent', 'welcome-bonus', 1)).template).toMatchObject({ version: 1, description: 'USD credit for new accounts' });
    expect((await get('agent', 'welcome-bonus@1')).template).toMatchObject({ version: 1, description: 'USD credit for new accounts' });

    expect((await failure(get('agent', 'welcome-bonus', 9))).code).toBe(status.NOT_FOUND);
    expect((await failure(get('agent', 'no-such-template'))).code).toBe(status.NOT_FOUND);
    const malformed = await failure(get('agent', 'Not A Name'));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.details).toContain('name: must be a template name');
  });

  it('lets only admins save templates', async () => {
    for (const user of ['agent', 'compliance'] as const) {
      const error = await failure(save(user, welcomeBonus('not mine to change')));
      expect(error.code).toBe(status.PERMISSION_DENIED);
      expect(error.details).toContain('missing permission "admin" for "template.balance.credit_in"');
    }
    expect((await get('admin', 'welcome-bonus')).template!.version).toBe(2);
  });

  it('refuses a bad template, naming every bad field', async () => {
    const error = await failure(
      save(
        'admin',
        intakeV1.SaveTemplateRequest.fromPartial({
          template: {
            name: 'Bad Name',
            operationType: 'balance.credit_in',
            fixed: { serverId: 'MT5 demo', balanceDeposit: { comment: 'wrong params' } },
            constraints: { maxAmountPerItem: { amount: '0', currency: 'USD' }, groupMasks: [''], serverIds: ['Not_An_Id'], maxItems: -1 },
            approvalPolicy: 'p'.repeat(65),
          },
        }),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    for (const field of [
      'template.name: ',
      'template.approval_policy: ',
      'template.fixed.server_id: ',
      'template.fixed.balance_deposit: a balance.credit_in template fixes balance_credit_in params only',
      'template.constraints.max_amount_per_item.amount: ',
      'template.constraints.group_masks[0]: ',
      'template.constraints.server_ids[0]: ',
      'template.constraints.max_items: ',
    ]) {
      expect(error.details).toContain(field);
    }

    const unknownType = await failure(save('admin', intakeV1.SaveTemplateRequest.fromPartial({ template: { name: 'teleport', operationType: 'balance.teleport' } })));
    expect(unknownType.code).toBe(status.INVALID_ARGUMENT);
    expect(unknownType.details).toContain('template.operation_type: "balance.teleport" is not an operation type');

    const retyped = await failure(save('admin', intakeV1.SaveTemplateRequest.fromPartial({ template: { name: 'welcome-bonus', operationType: 'balance.deposit' } })));
    expect(retyped.code).toBe(status.INVALID_ARGUMENT);
    expect(retyped.details).toContain('template.operation_type: template welcome-bonus is a balance.credit_in template');
  });

  it('gives saves of one name that race each other consecutive versions', async () => {
    const request = (description: string) => intakeV1.SaveTemplateRequest.fromPartial({ template: { name: 'swap-triple-wednesday', operationType: 'symbol.set_swaps', description, fixed: { symbolSetSwaps: { tripleSwapDay: 3 } } } });
    const saved = await Promise.all([save('admin', request('one')), save('admin', request('two'))]);
    expect(saved.map((reply) => reply.template!.version).sort()).toEqual([1, 2]);
  });
});
