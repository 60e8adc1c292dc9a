import { intakeV1, operationV1 } from '@tradewarden/proto';
import { templateIssues } from './template-validation';

const spec: typeof operationV1.OperationItemSpec.fromPartial = (partial) => operationV1.OperationItemSpec.fromPartial(partial);
const constraints: typeof intakeV1.TemplateConstraints.fromPartial = (partial) => intakeV1.TemplateConstraints.fromPartial(partial);

function template(overrides: Partial<intakeV1.OperationTemplate> = {}): intakeV1.OperationTemplate {
  return intakeV1.OperationTemplate.fromPartial({
    name: 'welcome-bonus',
    operationType: 'balance.credit_in',
    description: 'USD 25 welcome credit for new retail accounts',
    fixed: spec({ balanceCreditIn: { comment: 'welcome bonus', amount: { currency: 'USD' } } }),
    constraints: constraints({ maxAmountPerItem: { amount: '500.00', currency: 'USD' }, groupMasks: ['real\\retail\\*'], maxItems: 1000 }),
    ...overrides,
  });
}

const fields = (issues: readonly { field: string; code: string }[]) => issues.map((issue) => `${issue.field}:${issue.code}`);

describe('templateIssues (SaveTemplate validation)', () => {
  it('accepts a well-formed template, and a bare one that fixes and limits nothing', () => {
    expect(templateIssues(template())).toEqual([]);
    expect(templateIssues(intakeV1.OperationTemplate.fromPartial({ name: 'x', operationType: 'symbol.set_swaps' }))).toEqual([]);
  });

  it('ignores the version and authorship a caller sends', () => {
    expect(templateIssues(template({ version: -4, createdBy: 'someone', createdAt: new Date(0) }))).toEqual([]);
  });

  describe('template.name', () => {
    it.each(['a', 'welcome-bonus', 'eu.bonus_2025', '0', 'a'.repeat(64)])('accepts %j', (name) => {
      expect(templateIssues(template({ name }))).toEqual([]);
    });

    it.each(['', 'Welcome', '-bonus', '.bonus', 'bonus@2', 'bonus 2', 'a'.repeat(65), 'bonüs'])('refuses %j', (name) => {
      expect(fields(templateIssues(template({ name })))).toEqual(['template.name:FORMAT']);
    });
  });

  describe('template.operation_type', () => {
    it('must be in the catalogue', () => {
      const issues = templateIssues(template({ operationType: 'balance.teleport', fixed: undefined, constraints: undefined }));
      expect(fields(issues)).toEqual(['template.operation_type:UNSUPPORTED']);
      expect(issues[0]!.message).toContain('balance.credit_in');
    });
  });

  describe('template.description and template.approval_policy', () => {
    it('limit their length and refuse control characters', () => {
      expect(fields(templateIssues(template({ description: 'x'.repeat(1025) })))).toEqual(['template.description:TOO_LONG']);
      expect(fields(templateIssues(template({ description: 'line\u0007' })))).toEqual(['template.description:FORMAT']);
      expect(templateIssues(template({ approvalPolicy: 'p'.repeat(64) }))).toEqual([]);
      expect(fields(templateIssues(template({ approvalPolicy: 'p'.repeat(65) })))).toEqual(['template.approval_policy:TOO_LONG']);
    });
  });

  describe('template.fixed', () => {
    it('may fix the server, in registry-id format', () => {
      expect(templateIssues(template({ fixed: spec({ serverId: 'mt5-demo-1' }) }))).toEqual([]);
      expect(fields(templateIssues(template({ fixed: spec({ serverId: 'MT5 demo' }) })))).toEqual(['template.fixed.server_id:FORMAT']);
    });

    it("holds only the template type's params", () => {
      const issues = templateIssues(template({ fixed: spec({ balanceDeposit: { comment: 'x' } }) }));
      expect(fields(issues)).toEqual(['template.fixed.balance_deposit:TEMPLATE_TYPE']);
      expect(issues[0]!.message).toBe('a balance.credit_in template fixes balance_credit_in params only');
    });

    it('is partial: the fields the items supply (login, amount) are not required', () => {
      expect(templateIssues(template({ fixed: spec({ balanceCreditIn: { comment: 'bonus' } }) }))).toEqual([]);
      expect(templateIssues(template({ operationType: 'symbol.set_swaps', fixed: spec({ symbolSetSwaps: { tripleSwapDay: 3 } }), constraints: undefined }))).toEqual([]);
      expect(templateIssues(template({ operationType: 'account.create', fixed: spec({ accountCreate: { group: 'real\\retail\\usd', leverage: 100 } }), constraints: undefined }))).toEqual([]);
    });

    it('checks the fields it sets with the type rules, naming them', () => {
      expect(fields(templateIssues(template({ fixed: spec({ balanceCreditIn: { comment: 'x'.repeat(65), login: '0042' } }) })))).toEqual([
        'template.fixed.balance_credit_in.login:FORMAT',
        'template.fixed.balance_credit_in.comment:TOO_LONG',
      ]);
      expect(fields(templateIssues(template({ fixed: spec({ balanceCreditIn: { amount: { currency: 'XYZ' } } }) })))).toEqual(['template.fixed.balance_credit_in.amount.currency:UNSUPPORTED']);
      expect(fields(templateIssues(template({ fixed: spec({ balanceCreditIn: { amount: { amount: '-5', currency: 'USD' } } }) })))).toEqual(['template.fixed.balance_credit_in.amount.amount:RANGE']);
      expect(
        fields(templateIssues(template({ operationType: 'symbol.set_swaps', fixed: spec({ symbolSetSwaps: { tripleSwapDay: 9, swapLong: 'abc' } }), constraints: undefined }))),
      ).toEqual(['template.fixed.symbol_set_swaps.swap_long:FORMAT', 'template.fixed.symbol_set_swaps.triple_swap_day:RANGE']);
    });

    it('checks repeated fields element by element', () => {
      const issues = templateIssues(template({ operationType: 'group.set_symbols', fixed: spec({ groupSetSymbols: { add: ['Crypto\\*', 'a,b'] } }), constraints: undefined }));
      expect(fields(issues)).toEqual(['template.fixed.group_set_symbols.add[1]:FORMAT']);
    });

    it('fixes a group within its own group masks only', () => {
      const open = (group: string) =>
        template({ operationType: 'account.create', fixed: spec({ accountCreate: { group } }), constraints: constraints({ groupMasks: ['real\\retail\\*'] }) });
      expect(templateIssues(open('real\\retail\\usd'))).toEqual([]);
      expect(fields(templateIssues(open('real\\pro\\usd')))).toEqual(['template.fixed.account_create.group:CONFLICT']);
    });
  });

  describe('template.constraints', () => {
    it('max_amount_per_item: a positive amount in a supported currency, for types that move money', () => {
      const limit = (amount: string, currency = 'USD') => template({ constraints: constraints({ maxAmountPerItem: { amount, currency } }) });
      expect(fields(templateIssues(limit('0')))).toEqual(['template.constraints.max_amount_per_item.amount:RANGE']);
      expect(fields(templateIssues(limit('1.001')))).toEqual(['template.constraints.max_amount_per_item.amount:FORMAT']);
      expect(fields(templateIssues(limit('5', 'XYZ')))).toEqual(['template.constraints.max_amount_per_item.currency:UNSUPPORTED']);
      expect(
        fields(templateIssues(template({ operationType: 'symbol.set_spread', fixed: undefined, constraints: constraints({ maxAmountPerItem: { amount: '5', currency: 'USD' } }) }))),
      ).toEqual(['template.constraints.max_amount_per_item:NOT_APPLICABLE']);
    });

    it('group_masks: non-empty masks that include something', () => {
      const masks = (groupMasks: string[]) => template({ constraints: constraints({ groupMasks }) });
      expect(templateIssues(masks(['real\\*,!real\\test*', 'demo\\*']))).toEqual([]);
      expect(fields(templateIssues(masks(['real\\*', '', ' '])))).toEqual(['template.constraints.group_masks[1]:REQUIRED', 'template.constraints.group_masks[2]:REQUIRED']);
      expect(fields(templateIssues(masks(['!real\\test*'])))).toEqual(['template.constraints.group_masks[0]:FORMAT']);
      expect(fields(templateIssues(masks(['real\\\u0000'])))).toEqual(['template.constraints.group_masks[0]:FORMAT']);
    });

    it('server_ids: registry ids, including the fixed server when there is one', () => {
      expect(templateIssues(template({ constraints: constraints({ serverIds: ['mt5-demo-1', 'mt4-demo-1'] }) }))).toEqual([]);
      expect(fields(templateIssues(template({ constraints: constraints({ serverIds: ['mt5-demo-1', 'MT5_Live'] }) })))).toEqual(['template.constraints.server_ids[1]:FORMAT']);
      expect(fields(templateIssues(template({ fixed: spec({ serverId: 'mt5-demo-2' }), constraints: constraints({ serverIds: ['mt5-demo-1'] }) })))).toEqual([
        'template.constraints.server_ids:CONFLICT',
      ]);
    });

    it('max_items: 0 (no limit) or more', () => {
      expect(templateIssues(template({ constraints: constraints({ maxItems: 0 }) }))).toEqual([]);
      expect(fields(templateIssues(template({ constraints: constraints({ maxItems: -1 }) })))).toEqual(['template.constraints.max_items:RANGE']);
    });
  });

  it('reports every problem at once', () => {
    const issues = templateIssues(
      template({ name: 'Bad Name', approvalPolicy: 'p'.repeat(65), fixed: spec({ serverId: 'x', balanceCreditIn: { login: 'abc' } }), constraints: constraints({ maxItems: -2 }) }),
    );
    expect(fields(issues)).toEqual([
      'template.name:FORMAT',
      'template.approval_policy:TOO_LONG',
      'template.fixed.server_id:FORMAT',
      'template.fixed.balance_credit_in.login:FORMAT',
      'template.constraints.max_items:RANGE',
    ]);
  });
});

describe('templates as the gRPC transport decodes them', () => {
  it('are checked like ts-proto ones (nulls for absent messages, a virtual key for the oneof case)', () => {
    const decoded = {
      name: 'welcome-bonus',
      version: 0,
      operationType: 'balance.credit_in',
      description: '',
      fixed: { serverId: '', params: 'balanceDeposit', balanceDeposit: { login: '', amount: null, comment: 'x' } },
      constraints: null,
      approvalPolicy: '',
      createdBy: '',
      createdAt: null,
    } as unknown as intakeV1.OperationTemplate;
    expect(fields(templateIssues(decoded))).toEqual(['template.fixed.balance_deposit:TEMPLATE_TYPE']);
  });
});
