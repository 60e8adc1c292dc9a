import { scopedPermission, shortPermission, validateGrant, type Grant } from './grant';

const grant = (overrides: Partial<Grant> = {}): Grant => ({ role: 'ops-agent', action: 'submit', operationTypePattern: 'balance.*', serverPattern: '*', ...overrides });

describe('WhoAmI permission strings', () => {
  it('keep the short form of unscoped grants as it always was', () => {
    expect(shortPermission(grant())).toBe('submit:balance.*');
    expect(shortPermission(grant({ serverPattern: 'mt5-demo-*' }))).toBe('submit:balance.*@mt5-demo-*');
    expect(scopedPermission(grant())).toBe('submit:balance.*');
  });

  it('show tags in the short form, groups and limits in the full one', () => {
    const scoped = grant({ serverPattern: '', serverTags: ['demo'], groupMasks: ['real*', '!real\\vip*'], limits: [{ currency: 'USD', maxPerItem: '5000', maxPerUserDay: '100000.5' }, { currency: 'EUR' }] });
    expect(shortPermission(scoped)).toBe('submit:balance.*@tag:demo');
    expect(scopedPermission(scoped)).toBe('submit:balance.*@tag:demo groups real*,!real\\vip* limits USD 5000.00/item 100000.50/day, EUR unbounded');
  });
});

describe('validateGrant', () => {
  it('accepts a grant with every scope and limit', () => {
    expect(validateGrant(grant({ serverTags: ['x'], groupMasks: ['real*'], limits: [{ currency: 'USD', maxPerItem: '0.0001' }] }))).toHaveLength(1);
  });

  it('refuses an empty role or an unknown action', () => {
    expect(() => validateGrant(grant({ role: '' }))).toThrow('role is empty');
    expect(() => validateGrant(grant({ action: 'delete' as never }))).toThrow('unknown action "delete"');
    expect(() => validateGrant(grant({ serverTags: [''] }))).toThrow('empty server tag');
  });
});
