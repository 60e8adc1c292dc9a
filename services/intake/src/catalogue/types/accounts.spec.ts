import { catalogueV1 } from '@tradewarden/proto';
import { liveView, SETTINGS } from '../live-view-fixture';
import type { PlanOutcome } from '../operation-type';
import { accountChangeGroup } from './account-change-group';
import { accountCreate } from './account-create';
import { accountResetPassword } from './account-reset-password';
import { accountSetLeverage } from './account-set-leverage';
import { accountSetTrading } from './account-set-trading';
import { accountUpdateProfile } from './account-update-profile';

const planned = (outcome: PlanOutcome) => {
  if ('errors' in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome.planned;
};
const codes = (issues: { field: string; code: string }[]) => issues.map((issue) => `${issue.field}:${issue.code}`);
const errorCodes = (outcome: PlanOutcome) => ('errors' in outcome ? codes(outcome.errors) : []);

const newAccount = (overrides: Partial<catalogueV1.AccountCreateParams> = {}): catalogueV1.AccountCreateParams => ({
  login: '',
  group: 'real\\retail\\usd',
  firstName: 'Ada',
  lastName: 'Quint',
  email: 'ada@example.com',
  phone: '+44 20 5550 0100',
  country: 'GB',
  city: 'London',
  comment: 'crm 1',
  leverage: 100,
  ...overrides,
});

describe('account.create', () => {
  it('checks every field statically', () => {
    const issues = accountCreate.validate(
      newAccount({ login: '01', group: 'real\\*', firstName: ' ', email: 'not-mail', phone: 'call me', country: 'gb', leverage: 0, city: 'x'.repeat(33) }),
      'at',
    );
    expect(codes(issues)).toEqual(['at.login:FORMAT', 'at.group:FORMAT', 'at.first_name:REQUIRED', 'at.email:FORMAT', 'at.phone:FORMAT', 'at.country:FORMAT', 'at.city:TOO_LONG', 'at.leverage:RANGE']);
  });

  it('plans an account on an allocated login, with no revert and no password anywhere', () => {
    const plan = planned(accountCreate.plan(newAccount(), liveView(), 'at', SETTINGS));
    expect(plan.before).toEqual({});
    expect(plan.after).toMatchObject({ login: '', group: 'real\\retail\\usd', currency: 'USD', first_name: 'Ada', leverage: '100', enabled: 'true' });
    expect(plan.change.accountCreate).toEqual({ login: '', set: expect.objectContaining({ group: 'real\\retail\\usd', city: 'London', leverage: '100' }) });
    expect(plan.revert).toBeUndefined();
    expect(JSON.stringify(plan)).not.toMatch(/pass/i);
  });

  it('refuses an unknown group, a login in use, a leverage above the broker limit, and a long group name on MT4', () => {
    expect(errorCodes(accountCreate.plan(newAccount({ group: 'real\\vip\\usd' }), liveView(), 'at', SETTINGS))).toEqual(['at.group:GROUP_NOT_FOUND']);
    expect(errorCodes(accountCreate.plan(newAccount({ login: '500001' }), liveView(), 'at', SETTINGS))).toEqual(['at.login:LOGIN_TAKEN']);
    expect(errorCodes(accountCreate.plan(newAccount({ leverage: 600 }), liveView(), 'at', SETTINGS))).toEqual(['at.leverage:LEVERAGE_NOT_ALLOWED']);
    expect(errorCodes(accountCreate.plan(newAccount({ group: 'real\\retail\\usd2' }), liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual([
      'at.group:GROUP_NOT_FOUND',
      'at.group:UNSUPPORTED_ON_PLATFORM',
    ]);
  });
});

describe('account.update_profile', () => {
  it('needs at least one field and checks the ones given', () => {
    expect(codes(accountUpdateProfile.validate({ login: '500001' }, 'at'))).toEqual(['at:REQUIRED']);
    expect(codes(accountUpdateProfile.validate({ login: '500001', email: 'x', country: 'XX' }, 'at'))).toEqual(['at.email:FORMAT', 'at.country:FORMAT']);
  });

  it('changes only the fields given and reverts to their live values', () => {
    const plan = planned(accountUpdateProfile.plan({ login: '500001', email: 'm.lopez@example.org', city: 'Madrid' }, liveView(), 'at', SETTINGS));
    expect(plan.before).toEqual({ login: '500001', group: 'real\\retail\\usd', currency: 'USD', email: 'maria.lopez@example.com', city: '' });
    expect(plan.after).toMatchObject({ email: 'm.lopez@example.org', city: 'Madrid' });
    expect(plan.change.accountUpdate).toEqual({ login: '500001', set: { city: 'Madrid', email: 'm.lopez@example.org' } });
    expect(plan.revert?.accountUpdate?.set).toEqual({ city: '', email: 'maria.lopez@example.com' });
  });

  it('warns when nothing would change', () => {
    expect(planned(accountUpdateProfile.plan({ login: '500001', country: 'ES' }, liveView(), 'at', SETTINGS)).warnings.map((issue) => issue.code)).toEqual(['NO_CHANGE']);
  });
});

describe('account.set_leverage', () => {
  it('plans the new leverage within the broker limit', () => {
    expect(planned(accountSetLeverage.plan({ login: '500001', leverage: 200 }, liveView(), 'at', SETTINGS)).after['leverage']).toBe('200');
    expect(errorCodes(accountSetLeverage.plan({ login: '500001', leverage: 501 }, liveView(), 'at', SETTINGS))).toEqual(['at.leverage:LEVERAGE_NOT_ALLOWED']);
    expect(errorCodes(accountSetLeverage.plan({ login: '500009', leverage: 50 }, liveView(), 'at', SETTINGS))).toEqual(['at.login:ACCOUNT_NOT_FOUND']);
    expect(codes(accountSetLeverage.validate({ login: '500001', leverage: 1.5 }, 'at'))).toEqual(['at.leverage:RANGE']);
  });
});

describe('account.change_group', () => {
  it('moves to a group of the same currency only', () => {
    expect(planned(accountChangeGroup.plan({ login: '500001', group: 'real\\pro\\usd' }, liveView(), 'at', SETTINGS)).change.accountUpdate?.set).toEqual({ group: 'real\\pro\\usd' });
    expect(errorCodes(accountChangeGroup.plan({ login: '500001', group: 'real\\retail\\eur' }, liveView(), 'at', SETTINGS))).toEqual(['at.group:GROUP_CURRENCY_MISMATCH']);
    expect(errorCodes(accountChangeGroup.plan({ login: '500001', group: 'demo\\x' }, liveView(), 'at', SETTINGS))).toEqual(['at.group:GROUP_NOT_FOUND']);
  });
});

describe('account.reset_password', () => {
  it('names the kind and never a password; cannot be reverted', () => {
    expect(codes(accountResetPassword.validate({ login: '500001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_UNSPECIFIED }, 'at'))).toEqual(['at.kind:REQUIRED']);
    const plan = planned(accountResetPassword.plan({ login: '500001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR }, liveView(), 'at', SETTINGS));
    expect(plan.change.passwordReset).toEqual({ login: '500001', kind: catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR });
    expect(plan.after['password_reset']).toBe('investor');
    expect(plan.revert).toBeUndefined();
  });
});

describe('account.set_trading', () => {
  it('flips the trading right and reverts it', () => {
    const plan = planned(accountSetTrading.plan({ login: '500001', tradingEnabled: false }, liveView(), 'at', SETTINGS));
    expect(plan.change.accountUpdate?.set).toEqual({ trading_enabled: 'false' });
    expect(plan.revert?.accountUpdate?.set).toEqual({ trading_enabled: 'true' });
  });
});
