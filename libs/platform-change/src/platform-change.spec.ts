import { catalogueV1 } from '@tradewarden/proto';
import { grantScopeKey, grantScopeOf, grantState, policySettingsOf, policyState, requestedGrantLimits, sameState } from './index';

describe('grant state', () => {
  const params = catalogueV1.GrantParams.fromPartial({
    role: 'ops-agent',
    action: 'submit',
    operationTypePattern: 'balance.*',
    serverPattern: '*',
    groupMasks: ['real*', 'demo*'],
    limits: [
      { currency: 'USD', maxPerItem: '5000.00', maxPerUserDay: '20000' },
      { currency: 'EUR', maxPerItem: '4000' },
    ],
  });

  it('shows a grant as absent, or present with its limits in currency order and plain decimals', () => {
    expect(grantState(undefined)).toEqual({ grant: 'absent' });
    expect(grantState(requestedGrantLimits(params))).toEqual({ grant: 'present', limits: 'EUR 4000 per item; USD 5000 per item, 20000 per user per day' });
    expect(grantState([])).toEqual({ grant: 'present', limits: 'none' });
  });

  it('sees limits stored at another scale as the same state', () => {
    const stored = [
      { currency: 'USD', maxPerItem: '5000.0000', maxPerOperation: null, maxPerUserDay: '20000.0000' },
      { currency: 'EUR', maxPerItem: '4000.0000', maxPerOperation: null, maxPerUserDay: null },
    ];
    expect(sameState(grantState(stored), grantState(requestedGrantLimits(params)))).toBe(true);
    expect(sameState(grantState(stored), grantState(undefined))).toBe(false);
  });

  it('keys a scope whatever the order of its tags and masks', () => {
    const reordered = catalogueV1.GrantParams.fromPartial({ ...params, groupMasks: ['demo*', 'real*'] });
    expect(grantScopeKey(grantScopeOf(reordered))).toBe(grantScopeKey(grantScopeOf(params)));
    expect(grantScopeKey(grantScopeOf({ ...params, action: 'approve' }))).not.toBe(grantScopeKey(grantScopeOf(params)));
  });
});

describe('policy state', () => {
  it('shows a policy as absent, or each setting as text', () => {
    expect(policyState(undefined)).toEqual({ policy: 'absent' });
    const settings = policySettingsOf(
      catalogueV1.ApprovalPolicyParams.fromPartial({ name: 'grants', operationTypePattern: 'grant.*', mode: 'MANUAL', requiredApprovals: 1, priority: 50, approverRoles: ['admin'] }),
    );
    expect(policyState(settings)).toEqual({
      policy: 'present',
      operation_type_pattern: 'grant.*',
      mode: 'MANUAL',
      required_approvals: '1',
      max_total_per_currency: 'none',
      priority: '50',
      server_pattern: '*',
      server_tags: 'any',
      group_masks: 'any',
      max_accounts: 'any',
      approver_roles: 'admin',
      ttl_seconds: 'default',
    });
    expect(policyState({ ...settings, maxTotalPerCurrency: '10000.00000000' }).max_total_per_currency).toBe('10000');
  });
});
