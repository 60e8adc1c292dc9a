import { canonicalChangeSet } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { country, email, groupPath, leverage, login, phone, text } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';

type Params = catalogueV1.AccountCreateParams;

/** MT4 keeps group names in 16 bytes (15 characters and the terminator). */
const MT4_GROUP_MAX = 15;

export const accountCreate: OperationType<Params> = {
  name: 'account.create',
  family: 'accounts',
  description: 'open a trading account; the gateway generates its passwords and the submitter collects them once',
  params: (spec) => spec.accountCreate,
  validate: (params, at) =>
    [
      params.login === '' ? undefined : login(params.login, `${at}.login`),
      groupPath(params.group, `${at}.group`),
      text(params.firstName, `${at}.first_name`, 128, true),
      text(params.lastName, `${at}.last_name`, 128),
      email(params.email, `${at}.email`),
      phone(params.phone, `${at}.phone`),
      country(params.country, `${at}.country`),
      text(params.city, `${at}.city`, 32),
      text(params.comment, `${at}.comment`, 64),
      leverage(params.leverage, `${at}.leverage`),
    ].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'group', group: params.group }, ...(params.login ? [{ kind: 'account' as const, login: params.login }] : [])],
  plan: (params, live, at, settings) => {
    const errors: Issue[] = [];
    const group = live.group(params.group);
    if (!group) errors.push({ field: `${at}.group`, code: 'GROUP_NOT_FOUND', message: `group ${params.group} does not exist on ${live.serverId}` });
    if (live.platform === 'mt4' && params.group.length > MT4_GROUP_MAX) {
      errors.push({ field: `${at}.group`, code: 'UNSUPPORTED_ON_PLATFORM', message: `MT4 group names have at most ${MT4_GROUP_MAX} characters` });
    }
    if (params.login && live.account(params.login)) errors.push({ field: `${at}.login`, code: 'LOGIN_TAKEN', message: `login ${params.login} is already an account on ${live.serverId}` });
    if (params.leverage > settings.maxLeverage) {
      errors.push({ field: `${at}.leverage`, code: 'LEVERAGE_NOT_ALLOWED', message: `at most 1:${settings.maxLeverage} (INTAKE_MAX_LEVERAGE)` });
    }
    if (errors.length > 0 || !group) return { errors };
    const given = Object.entries({
      group: params.group,
      first_name: params.firstName,
      last_name: params.lastName,
      email: params.email,
      phone: params.phone,
      country: params.country,
      city: params.city,
      comment: params.comment,
      leverage: String(params.leverage),
    }).filter(([, value]) => value !== '');
    const set = canonicalChangeSet('account', Object.fromEntries(given));
    return {
      planned: {
        before: {},
        // An empty login is allocated by the server when the account opens.
        after: { login: params.login, currency: group.currency, ...set, enabled: 'true', trading_enabled: 'true' },
        change: { accountCreate: { login: params.login, set } },
        // An opened account is closed by an operator, not reverted automatically (its owner may have used it).
        revert: undefined,
        warnings: [],
      },
    };
  },
};
