import type { catalogueV1 } from '@tradewarden/proto';
import { country, email, login, phone, text } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { accountFields, accountUpdate, notFound, recordUpdatePlan, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.AccountProfileParams;

/** The profile fields given, under their vocabulary names. */
function givenFields(params: Params): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    first_name: params.firstName,
    last_name: params.lastName,
    email: params.email,
    phone: params.phone,
    country: params.country,
    city: params.city,
    comment: params.comment,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export const accountUpdateProfile: OperationType<Params> = {
  name: 'account.update_profile',
  family: 'accounts',
  description: 'change personal fields of an account (names, e-mail, phone, country, city, comment)',
  params: (spec) => spec.accountUpdateProfile,
  validate: (params, at) => {
    const issues = [
      login(params.login, `${at}.login`),
      params.firstName === undefined ? undefined : text(params.firstName, `${at}.first_name`, 128, true),
      params.lastName === undefined ? undefined : text(params.lastName, `${at}.last_name`, 128),
      params.email === undefined ? undefined : email(params.email, `${at}.email`),
      params.phone === undefined ? undefined : phone(params.phone, `${at}.phone`),
      params.country === undefined ? undefined : country(params.country, `${at}.country`),
      params.city === undefined ? undefined : text(params.city, `${at}.city`, 32),
      params.comment === undefined ? undefined : text(params.comment, `${at}.comment`, 64),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (Object.keys(givenFields(params)).length === 0) issues.push({ field: at, code: 'REQUIRED', message: 'name at least one field to change' });
    return issues;
  },
  targets: (params) => [{ kind: 'account', login: params.login }],
  plan: (params, live, at) => {
    const snapshot = accountFields(live, params.login);
    if (!snapshot) return notFound(`${at}.login`, `account ${params.login}`, live.serverId);
    const planned = recordUpdatePlan('account', snapshot, givenFields(params), accountUpdate(params.login));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
