import { CONTEXT_FIELDS } from '@tradewarden/mt-change';
import { catalogueV1 } from '@tradewarden/proto';
import { login } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { accountFields, notFound } from '../plan-builders';

type Params = catalogueV1.AccountPasswordResetParams;

const KINDS: Partial<Record<catalogueV1.PasswordKind, string>> = {
  [catalogueV1.PasswordKind.PASSWORD_KIND_MAIN]: 'main',
  [catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR]: 'investor',
};

export const accountResetPassword: OperationType<Params> = {
  name: 'account.reset_password',
  family: 'accounts',
  description: 'give an account a new generated main or investor password, collected once by the submitter',
  params: (spec) => spec.accountResetPassword,
  validate: (params, at) =>
    [
      login(params.login, `${at}.login`),
      KINDS[params.kind] ? undefined : { field: `${at}.kind`, code: 'REQUIRED', message: 'PASSWORD_KIND_MAIN or PASSWORD_KIND_INVESTOR' },
    ].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'account', login: params.login }],
  plan: (params, live, at) => {
    const snapshot = accountFields(live, params.login);
    if (!snapshot) return notFound(`${at}.login`, `account ${params.login}`, live.serverId);
    const before = Object.fromEntries(CONTEXT_FIELDS.account.map((field) => [field, snapshot[field] ?? '']));
    return {
      planned: {
        before,
        // The password itself is never part of a plan, an event or a record.
        after: { ...before, password_reset: KINDS[params.kind]! },
        change: { passwordReset: { login: params.login, kind: params.kind } },
        // The old password is not known to anyone; a reset cannot be undone.
        revert: undefined,
        warnings: [],
      },
    };
  },
};
