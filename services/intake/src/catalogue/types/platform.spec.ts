import { catalogueV1, identityV1 } from '@tradewarden/proto';
import { liveView, SETTINGS } from '../live-view-fixture';
import type { LiveView, PlanOutcome } from '../operation-type';
import { approvalPolicyDelete } from './approval-policy-delete';
import { approvalPolicySet } from './approval-policy-set';
import { grantRevoke } from './grant-revoke';
import { grantSet } from './grant-set';

const planned = (outcome: PlanOutcome) => {
  if ('errors' in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome.planned;
};
const codes = (issues: { field: string; code: string }[]) => issues.map((issue) => `${issue.field}:${issue.code}`);

const agentDeposits = catalogueV1.GrantParams.fromPartial({
  role: 'ops-agent',
  action: 'submit',
  operationTypePattern: 'balance.*',
  serverPattern: '*',
  groupMasks: ['real*', 'demo*'],
  limits: [{ currency: 'USD', maxPerItem: '250000.0000' }],
});
const supervisorPolicy = catalogueV1.ApprovalPolicyParams.fromPartial({ name: 'supervisor-approval', operationTypePattern: '*', mode: 'MANUAL', requiredApprovals: 1, priority: 1000, serverPattern: '*' });
const platform = (): LiveView => ({
  ...liveView(),
  grants: () => [identityV1.GrantRecord.fromPartial({ grantId: 'g1', grant: agentDeposits })],
  policies: () => [supervisorPolicy],
});

describe('grant.set', () => {
  it("changes an existing grant's limits, and reverts to them", () => {
    const lower = { ...agentDeposits, groupMasks: ['demo*', 'real*'], limits: [{ currency: 'USD', maxPerItem: '5000' }] };
    const plan = planned(grantSet.plan(lower, platform(), 'items[0].grant_set', SETTINGS));
    expect(plan.before).toEqual({ grant: 'present', limits: 'USD 250000 per item' });
    expect(plan.after).toEqual({ grant: 'present', limits: 'USD 5000 per item' });
    expect(plan.change.grantChange).toEqual({ grant: lower, revoke: false });
    expect(plan.revert?.grantChange).toEqual({ grant: agentDeposits, revoke: false });
  });

  it('creates a new grant, reverted by revoking it, and warns when nothing changes', () => {
    const viewing = catalogueV1.GrantParams.fromPartial({ role: 'compliance', action: 'view', operationTypePattern: 'grant.*', serverPattern: '*' });
    const plan = planned(grantSet.plan(viewing, platform(), 'at', SETTINGS));
    expect([plan.before, plan.after]).toEqual([{ grant: 'absent' }, { grant: 'present', limits: 'none' }]);
    expect(plan.revert?.grantChange).toEqual({ grant: viewing, revoke: true });
    expect(planned(grantSet.plan(agentDeposits, platform(), 'at', SETTINGS)).warnings.map((warning) => warning.code)).toEqual(['NO_CHANGE']);
  });

  it('refuses a malformed grant field by field', () => {
    const bad = catalogueV1.GrantParams.fromPartial({
      role: 'Ops Agent',
      action: 'steal',
      operationTypePattern: 'Balance;',
      serverPattern: '',
      serverTags: [],
      groupMasks: ['!'],
      limits: [
        { currency: 'usd', maxPerItem: '1' },
        { currency: 'EUR', maxPerItem: '1.00001', maxPerUserDay: '-5' },
        { currency: 'EUR' },
      ],
    });
    expect(codes(grantSet.validate(bad, 'at'))).toEqual([
      'at.role:FORMAT',
      'at.action:UNKNOWN',
      'at.operation_type_pattern:FORMAT',
      'at.server_pattern:REQUIRED',
      'at.group_masks[0]:FORMAT',
      'at.limits[0].currency:FORMAT',
      'at.limits[1].max_per_item:FORMAT',
      'at.limits[1].max_per_user_day:FORMAT',
      'at.limits[2].currency:DUPLICATE',
    ]);
  });
});

describe('grant.revoke', () => {
  it('removes a grant named by its scope, reverted by setting it again with its limits', () => {
    const plan = planned(grantRevoke.plan({ ...agentDeposits, limits: [] }, platform(), 'at', SETTINGS));
    expect([plan.before, plan.after]).toEqual([{ grant: 'present', limits: 'USD 250000 per item' }, { grant: 'absent' }]);
    expect(plan.revert?.grantChange).toEqual({ grant: agentDeposits, revoke: false });
  });

  it('refuses a scope no grant has, and limits on a revoke', () => {
    expect('errors' in grantRevoke.plan({ ...agentDeposits, groupMasks: ['real*'], limits: [] }, platform(), 'at', SETTINGS) ? 'refused' : 'planned').toBe('refused');
    expect(codes(grantRevoke.validate(agentDeposits, 'at'))).toEqual(['at.limits:NOT_ALLOWED']);
  });
});

describe('approval_policy.set and approval_policy.delete', () => {
  it('plans a new policy and a change of one, with the previous settings as revert', () => {
    const grants = catalogueV1.ApprovalPolicyParams.fromPartial({ name: 'grant-changes', operationTypePattern: 'grant.*', mode: 'MANUAL', requiredApprovals: 1, priority: 50, approverRoles: ['admin'] });
    const created = planned(approvalPolicySet.plan(grants, platform(), 'at', SETTINGS));
    expect(created.before).toEqual({ policy: 'absent' });
    expect(created.after).toMatchObject({ policy: 'present', operation_type_pattern: 'grant.*', approver_roles: 'admin', priority: '50' });
    expect(created.revert?.approvalPolicyChange).toEqual({ policy: grants, remove: true });

    const twoApprovals = { ...supervisorPolicy, requiredApprovals: 2 };
    const changed = planned(approvalPolicySet.plan(twoApprovals, platform(), 'at', SETTINGS));
    expect([changed.before['required_approvals'], changed.after['required_approvals']]).toEqual(['1', '2']);
    expect(changed.revert?.approvalPolicyChange).toEqual({ policy: supervisorPolicy, remove: false });
  });

  it('deletes a policy that exists and refuses one that does not', () => {
    const plan = planned(approvalPolicyDelete.plan({ name: 'supervisor-approval' }, platform(), 'at', SETTINGS));
    expect(plan.after).toEqual({ policy: 'absent' });
    expect(plan.revert?.approvalPolicyChange).toEqual({ policy: supervisorPolicy, remove: false });
    const missing = approvalPolicyDelete.plan({ name: 'no-such-policy' }, platform(), 'at', SETTINGS);
    expect('errors' in missing ? codes(missing.errors) : []).toEqual(['at.name:POLICY_NOT_FOUND']);
  });

  it('refuses inconsistent settings field by field', () => {
    const bad = catalogueV1.ApprovalPolicyParams.fromPartial({ name: 'X', operationTypePattern: '', mode: 'AUTO', requiredApprovals: 2, priority: -1, maxAccounts: 0, ttlSeconds: 5, maxTotalPerCurrency: '1e5' });
    expect(codes(approvalPolicySet.validate(bad, 'at'))).toEqual([
      'at.name:FORMAT',
      'at.operation_type_pattern:FORMAT',
      'at.required_approvals:RANGE',
      'at.max_total_per_currency:FORMAT',
      'at.priority:RANGE',
      'at.max_accounts:RANGE',
      'at.ttl_seconds:RANGE',
    ]);
  });
});
