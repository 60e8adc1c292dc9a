import { intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import type { MoneyMoved } from '../catalogue/operation-type';
import { applyTemplateFixed, parseTemplateReference, templateConstraintIssues, templateItemCountIssue, templateReference, type TemplateItem } from './template-rules';

const usd = (amount: string): commonV1.Money => ({ amount, currency: 'USD' });

function template(overrides: Partial<intakeV1.OperationTemplate> = {}): intakeV1.OperationTemplate {
  return intakeV1.OperationTemplate.fromPartial({ name: 'welcome-bonus', version: 3, operationType: 'balance.credit_in', ...overrides });
}

const spec: typeof operationV1.OperationItemSpec.fromPartial = (partial) => operationV1.OperationItemSpec.fromPartial(partial);
const fields = (issues: readonly { field: string; code: string }[]) => issues.map((issue) => `${issue.field}:${issue.code}`);

describe('template references', () => {
  it('reads "name" as the latest version and "name@3" as version 3', () => {
    expect(parseTemplateReference('welcome-bonus')).toEqual({ name: 'welcome-bonus', version: 0 });
    expect(parseTemplateReference('welcome-bonus@3')).toEqual({ name: 'welcome-bonus', version: 3 });
  });

  it.each(['', '@3', 'welcome-bonus@', 'welcome-bonus@0', 'welcome-bonus@03', 'welcome-bonus@x', 'a@1@2'])('refuses %j', (reference) => {
    expect(parseTemplateReference(reference)).toBeUndefined();
  });

  it('writes name@version', () => {
    expect(templateReference(template())).toBe('welcome-bonus@3');
  });
});

describe('applyTemplateFixed', () => {
  const bonus = template({ fixed: spec({ balanceCreditIn: { comment: 'welcome bonus', amount: { currency: 'USD' } } }) });

  it('fills the fields an item leaves empty, nested money field by field', () => {
    const applied = applyTemplateFixed(bonus, spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: { amount: '25.00' } } }), 'items[0]');
    expect(applied.issues).toEqual([]);
    expect(applied.spec).toEqual(spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: usd('25.00'), comment: 'welcome bonus' } }));
  });

  it('accepts an item giving the same value, decimals compared by value', () => {
    const fixedAmount = template({ fixed: spec({ balanceCreditIn: { amount: usd('50') } }) });
    const applied = applyTemplateFixed(fixedAmount, spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: usd('50.00') } }), 'items[0]');
    expect(applied.issues).toEqual([]);
    expect(applied.spec.balanceCreditIn?.amount).toEqual(usd('50.00'));
  });

  it('names every field an item sets to another value, in snake_case under the item', () => {
    const applied = applyTemplateFixed(
      bonus,
      spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: { amount: '25.00', currency: 'EUR' }, comment: 'my own comment' } }),
      'items[4]',
    );
    expect(fields(applied.issues)).toEqual(['items[4].balance_credit_in.amount.currency:TEMPLATE_FIXED_FIELD', 'items[4].balance_credit_in.comment:TEMPLATE_FIXED_FIELD']);
    expect(applied.issues[1]!.message).toContain('welcome-bonus@3 fixes this to "welcome bonus"; the item gives "my own comment"');
  });

  it('fixes the server: fills it in, accepts the same, refuses another', () => {
    const onDemo = template({ fixed: spec({ serverId: 'mt5-demo-1' }) });
    expect(applyTemplateFixed(onDemo, spec({ balanceCreditIn: { login: '500001', amount: usd('1') } }), 'items[0]').spec.serverId).toBe('mt5-demo-1');
    expect(applyTemplateFixed(onDemo, spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001' } }), 'items[0]').issues).toEqual([]);
    expect(fields(applyTemplateFixed(onDemo, spec({ serverId: 'mt5-live-1', balanceCreditIn: { login: '500001' } }), 'items[0]').issues)).toEqual([
      'items[0].server_id:TEMPLATE_FIXED_FIELD',
    ]);
  });

  it('gives an item without params the template params', () => {
    const applied = applyTemplateFixed(bonus, spec({ serverId: 'mt5-demo-1' }), 'items[0]');
    expect(applied.spec.balanceCreditIn).toEqual({ login: '', amount: { amount: '', currency: 'USD' }, comment: 'welcome bonus' });
  });

  it("refuses an item carrying another type's params and leaves it as it was", () => {
    const item = spec({ serverId: 'mt5-demo-1', balanceDeposit: { login: '500001', amount: usd('1') } });
    const applied = applyTemplateFixed(bonus, item, 'items[2]');
    expect(fields(applied.issues)).toEqual(['items[2].balance_credit_in:TEMPLATE_TYPE']);
    expect(applied.spec).toBe(item);
  });

  it('compares repeated fields as whole lists', () => {
    const crypto = template({ operationType: 'group.set_symbols', fixed: spec({ groupSetSymbols: { add: ['Crypto\\*', 'Metals\\*'] } }) });
    const same = applyTemplateFixed(crypto, spec({ serverId: 'mt5-demo-1', groupSetSymbols: { group: 'real\\a', add: ['Crypto\\*', 'Metals\\*'] } }), 'items[0]');
    expect(same.issues).toEqual([]);
    const filled = applyTemplateFixed(crypto, spec({ serverId: 'mt5-demo-1', groupSetSymbols: { group: 'real\\a' } }), 'items[0]');
    expect(filled.spec.groupSetSymbols).toEqual({ group: 'real\\a', add: ['Crypto\\*', 'Metals\\*'], remove: [] });
    const other = applyTemplateFixed(crypto, spec({ serverId: 'mt5-demo-1', groupSetSymbols: { group: 'real\\a', add: ['Crypto\\*'] } }), 'items[0]');
    expect(fields(other.issues)).toEqual(['items[0].group_set_symbols.add:TEMPLATE_FIXED_FIELD']);
  });

  it('fixes optional fields and fields with defaults of every params message the same way', () => {
    const swaps = template({ operationType: 'symbol.set_swaps', fixed: spec({ symbolSetSwaps: { swapMode: 1, tripleSwapDay: 3 } }) });
    const applied = applyTemplateFixed(swaps, spec({ serverId: 'mt5-demo-1', symbolSetSwaps: { symbol: 'EURUSD', swapLong: '-6.8', tripleSwapDay: 5 } }), 'items[1]');
    expect(fields(applied.issues)).toEqual(['items[1].symbol_set_swaps.triple_swap_day:TEMPLATE_FIXED_FIELD']);
    const filled = applyTemplateFixed(swaps, spec({ serverId: 'mt5-demo-1', symbolSetSwaps: { symbol: 'EURUSD', swapLong: '-6.8' } }), 'items[1]');
    expect(filled.spec.symbolSetSwaps).toEqual({ symbol: 'EURUSD', swapLong: '-6.8', swapMode: 1, tripleSwapDay: 3 });
  });

  it('treats an empty text of an optional field as left to the template', () => {
    const profile = template({ operationType: 'account.update_profile', fixed: spec({ accountUpdateProfile: { comment: 'kyc refreshed' } }) });
    const applied = applyTemplateFixed(profile, spec({ serverId: 'mt5-demo-1', accountUpdateProfile: { login: '500001', comment: '' } }), 'items[0]');
    expect(applied.issues).toEqual([]);
    expect(applied.spec.accountUpdateProfile?.comment).toBe('kyc refreshed');
  });

  it('changes nothing when the template fixes nothing', () => {
    const item = spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: usd('1'), comment: 'x' } });
    const applied = applyTemplateFixed(template(), item, 'items[0]');
    expect(applied).toEqual({ spec: item, issues: [] });
  });
});

describe('templateConstraintIssues', () => {
  const moneyIn = (amount: string, currency = 'USD'): MoneyMoved => ({ direction: 'in', money: { amount, currency } });
  const balanceItem = (overrides: Partial<TemplateItem> = {}): TemplateItem => ({
    rowNumber: 1,
    spec: spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: usd('100.00') } }),
    before: { login: '500001', group: 'real\\retail\\usd', credit: '0.00' },
    after: { login: '500001', group: 'real\\retail\\usd', credit: '100.00' },
    moneyMoved: moneyIn('100.00'),
    ...overrides,
  });
  const limited = (constraints: Partial<intakeV1.TemplateConstraints>) => template({ constraints: intakeV1.TemplateConstraints.fromPartial(constraints) });

  it('has nothing to say without constraints', () => {
    expect(templateConstraintIssues(template(), balanceItem(), 'items[0]')).toEqual([]);
  });

  describe('max_amount_per_item', () => {
    const upTo500 = limited({ maxAmountPerItem: usd('500.00') });

    it('lets amounts up to the limit through, the limit itself included', () => {
      expect(templateConstraintIssues(upTo500, balanceItem({ moneyMoved: moneyIn('500') }), 'items[0]')).toEqual([]);
      expect(templateConstraintIssues(upTo500, balanceItem({ moneyMoved: moneyIn('0.01') }), 'items[0]')).toEqual([]);
    });

    it('refuses more than the limit', () => {
      const issues = templateConstraintIssues(upTo500, balanceItem({ moneyMoved: moneyIn('500.01') }), 'items[7]');
      expect(fields(issues)).toEqual(['items[7].balance_credit_in.amount.amount:TEMPLATE_LIMIT']);
      expect(issues[0]!.message).toContain('at most 500.00 USD per item');
    });

    it('refuses another currency', () => {
      expect(fields(templateConstraintIssues(upTo500, balanceItem({ moneyMoved: moneyIn('1', 'EUR') }), 'items[0]'))).toEqual(['items[0].balance_credit_in.amount.currency:TEMPLATE_LIMIT']);
    });

    it("leaves an amount that does not parse to the type's own rules", () => {
      expect(templateConstraintIssues(upTo500, balanceItem({ moneyMoved: moneyIn('1e9') }), 'items[0]')).toEqual([]);
    });

    it('does not apply to items that move no money', () => {
      expect(templateConstraintIssues(upTo500, balanceItem({ moneyMoved: undefined }), 'items[0]')).toEqual([]);
    });
  });

  describe('group_masks', () => {
    const retail = limited({ groupMasks: ['real\\retail\\*,!real\\retail\\vip*', 'demo\\*'] });

    it("accepts an account whose group matches one mask (the group read from the item's before/after)", () => {
      expect(templateConstraintIssues(retail, balanceItem(), 'items[0]')).toEqual([]);
      expect(templateConstraintIssues(retail, balanceItem({ before: { group: 'demo\\usd' }, after: { group: 'demo\\usd' } }), 'items[0]')).toEqual([]);
    });

    it("refuses an account outside every mask (exclusions included), naming the account's login", () => {
      const issues = templateConstraintIssues(retail, balanceItem({ before: { group: 'real\\retail\\vip1' }, after: { group: 'real\\retail\\vip1' } }), 'items[2]');
      expect(fields(issues)).toEqual(['items[2].balance_credit_in.login:TEMPLATE_GROUP']);
      expect(issues[0]!.message).toContain('group real\\retail\\vip1 is outside template welcome-bonus@3');
    });

    it('checks both ends of an account moving between groups, naming the group the item gives', () => {
      const move = template({ operationType: 'account.change_group', constraints: intakeV1.TemplateConstraints.fromPartial({ groupMasks: ['real\\retail\\*'] }) });
      const item = (from: string, to: string): TemplateItem => ({
        rowNumber: 1,
        spec: spec({ serverId: 'mt5-demo-1', accountChangeGroup: { login: '500001', group: to } }),
        before: { login: '500001', group: from },
        after: { login: '500001', group: to },
      });
      expect(templateConstraintIssues(move, item('real\\retail\\usd', 'real\\retail\\eur'), 'items[0]')).toEqual([]);
      expect(fields(templateConstraintIssues(move, item('real\\retail\\usd', 'real\\pro\\usd'), 'items[0]'))).toEqual(['items[0].account_change_group.group:TEMPLATE_GROUP']);
      expect(fields(templateConstraintIssues(move, item('real\\pro\\usd', 'real\\retail\\usd'), 'items[0]'))).toEqual(['items[0].account_change_group.login:TEMPLATE_GROUP']);
    });

    it('checks a new account against the group it is opened in', () => {
      const open = template({ operationType: 'account.create', constraints: intakeV1.TemplateConstraints.fromPartial({ groupMasks: ['demo\\*'] }) });
      const item: TemplateItem = { rowNumber: 1, spec: spec({ serverId: 'mt5-demo-1', accountCreate: { group: 'real\\a', firstName: 'A' } }), before: {}, after: { group: 'real\\a' } };
      expect(fields(templateConstraintIssues(open, item, 'items[0]'))).toEqual(['items[0].account_create.group:TEMPLATE_GROUP']);
    });

    it('does not check items without a group (symbols)', () => {
      const swaps = template({ operationType: 'symbol.set_swaps', constraints: intakeV1.TemplateConstraints.fromPartial({ groupMasks: ['demo\\*'] }) });
      const item: TemplateItem = { rowNumber: 1, spec: spec({ serverId: 'mt5-demo-1', symbolSetSwaps: { symbol: 'EURUSD', swapLong: '1' } }), before: { swap_long: '0' }, after: { swap_long: '1' } };
      expect(templateConstraintIssues(swaps, item, 'items[0]')).toEqual([]);
    });
  });

  describe('server_ids', () => {
    const demoOnly = limited({ serverIds: ['mt5-demo-1', 'mt4-demo-1'] });

    it('accepts the servers listed and refuses the others', () => {
      expect(templateConstraintIssues(demoOnly, balanceItem(), 'items[0]')).toEqual([]);
      const elsewhere = balanceItem({ spec: spec({ serverId: 'mt5-live-1', balanceCreditIn: { login: '500001', amount: usd('1') } }) });
      expect(fields(templateConstraintIssues(demoOnly, elsewhere, 'items[3]'))).toEqual(['items[3].server_id:TEMPLATE_SERVER']);
    });
  });

  it('reports every broken limit of an item at once', () => {
    const strict = limited({ maxAmountPerItem: usd('10'), groupMasks: ['demo\\*'], serverIds: ['mt5-demo-2'] });
    expect(templateConstraintIssues(strict, balanceItem(), 'items[0]').map((issue) => issue.code)).toEqual(['TEMPLATE_LIMIT', 'TEMPLATE_GROUP', 'TEMPLATE_SERVER']);
  });
});

describe('templateItemCountIssue', () => {
  const atMost = (maxItems: number) => template({ constraints: intakeV1.TemplateConstraints.fromPartial({ maxItems }) });

  it('allows up to max_items', () => {
    expect(templateItemCountIssue(atMost(3), 3)).toBeUndefined();
  });

  it('refuses more, on the items field', () => {
    expect(templateItemCountIssue(atMost(3), 4)).toEqual({ field: 'items', code: 'TEMPLATE_LIMIT', message: 'template welcome-bonus@3 allows at most 3 items per operation, not 4' });
  });

  it('has no limit at 0 or without constraints', () => {
    expect(templateItemCountIssue(atMost(0), 100_000)).toBeUndefined();
    expect(templateItemCountIssue(template(), 100_000)).toBeUndefined();
  });
});

describe('specs as the gRPC transport decodes them', () => {
  // proto-loader with defaults: null for absent messages, and a virtual key naming the oneof case.
  const decoded = { serverId: 'mt5-demo-1', params: 'balanceCreditIn', balanceCreditIn: { login: '500001', amount: null, comment: '' } } as unknown as operationV1.OperationItemSpec;

  it('are read like ts-proto ones', () => {
    const bonus = template({ fixed: spec({ balanceCreditIn: { comment: 'welcome bonus', amount: usd('25.00') } }) });
    const applied = applyTemplateFixed(bonus, decoded, 'items[0]');
    expect(applied.issues).toEqual([]);
    expect(applied.spec).toEqual(spec({ serverId: 'mt5-demo-1', balanceCreditIn: { login: '500001', amount: usd('25.00'), comment: 'welcome bonus' } }));
    const limited = template({ constraints: intakeV1.TemplateConstraints.fromPartial({ groupMasks: ['demo\\*'] }) });
    expect(fields(templateConstraintIssues(limited, { rowNumber: 1, spec: decoded, before: { group: 'real\\a' }, after: { group: 'real\\a' } }, 'items[0]'))).toEqual([
      'items[0].balance_credit_in.login:TEMPLATE_GROUP',
    ]);
  });
});
