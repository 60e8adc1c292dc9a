import { approvalV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { approvalViewJson, formatApprovalView } from './approval-commands';
import {
  formatApprovalRequest,
  formatDelegation,
  formatDelegationList,
  formatMoreItems,
  formatOperationContext,
  formatPendingList,
  formatPlanItem,
  formatPlanSummary,
  formatServers,
  formatTimeLeft,
} from './approval-format';

const now = Date.parse('2026-03-01T12:00:00Z');
const later = (ms: number) => new Date(now + ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const withdrawal = approvalV1.ApprovalRequest.fromPartial({
  operationId: '11111111-2222-3333-4444-555555555555',
  operationType: 'balance.withdrawal',
  state: approvalV1.ApprovalState.APPROVAL_STATE_PENDING,
  policyName: 'single-approval-balance',
  planDigest: 'cd'.repeat(32),
  requiredApprovals: 1,
  createdAt: new Date('2026-03-01T11:00:00.250Z'),
  expiresAt: later(23 * HOUR + 5 * MINUTE),
  submittedBy: 'agent',
  approverRoles: ['ops-supervisor', 'admin'],
  summary: { itemCount: 3, serverIds: ['mt5-demo-1'], accountCount: 2, totals: [{ amount: '12.00', currency: 'USD' }], warningCount: 1 },
});

const planItem = operationV1.ItemPlan.fromPartial({
  itemId: 'item-1',
  rowNumber: 1,
  spec: { serverId: 'mt5-demo-1' },
  before: { login: '500002', balance: '100.00', credit: '0.00' },
  after: { balance: '88.00', credit: '0' },
  warnings: [{ field: 'items[0].balance_withdrawal.amount', code: 'LOW_FREE_MARGIN', message: 'leaves little free margin' }],
});

describe('approval formatting', () => {
  it('shows a pending request with who submitted it, when it expires, who may approve and what the plan does', () => {
    expect(formatApprovalRequest(withdrawal, now).split('\n')).toEqual([
      'approval of 11111111-2222-3333-4444-555555555555 (balance.withdrawal): PENDING',
      '  policy single-approval-balance; 0 of 1 approval; approvers need the role ops-supervisor or admin',
      '  submitted by agent; request opened 2026-03-01T11:00:00Z',
      '  expires in 23h 5m (2026-03-02T11:05:00Z)',
      '  plan: 3 items, 2 accounts on mt5-demo-1; moves 12.00 USD; 1 warning',
      `  plan digest ${'cd'.repeat(32)}`,
    ]);
  });

  it('shows why a decided request is no longer pending, and approvals given under a delegation', () => {
    const rejected = approvalV1.ApprovalRequest.fromPartial({
      ...withdrawal,
      state: approvalV1.ApprovalState.APPROVAL_STATE_REJECTED,
      approvers: ['agent2 (for supervisor)'],
      requiredApprovals: 2,
      expiresAt: undefined,
      decidedAt: new Date('2026-03-01T11:30:00Z'),
      reason: 'wrong account',
    });
    const text = formatApprovalRequest(rejected, now);
    expect(text).toContain('): REJECTED');
    expect(text).toContain('1 of 2 approvals (agent2 (for supervisor))');
    expect(text).not.toContain('expires');
    expect(text.split('\n').slice(-2)).toEqual(['  decided at 2026-03-01T11:30:00.000Z', '  reason: wrong account']);
  });

  it('says how long is left, coarsely', () => {
    expect(formatTimeLeft(undefined, now)).toBe('-');
    expect(formatTimeLeft(later(30_000), now)).toBe('<1m');
    expect(formatTimeLeft(later(59 * MINUTE), now)).toBe('59m');
    expect(formatTimeLeft(later(HOUR), now)).toBe('1h 0m');
    expect(formatTimeLeft(later(2 * 24 * HOUR + 3 * HOUR + 59 * MINUTE), now)).toBe('2d 3h');
    expect(formatTimeLeft(later(0), now)).toBe('expired');
    expect(formatTimeLeft(later(-HOUR), now)).toBe('expired');
  });

  it('summarizes plans that move money, and plans that touch no account', () => {
    expect(formatPlanSummary(approvalV1.PlanSummary.fromPartial({ itemCount: 1, serverIds: ['mt5-demo-1'], accountCount: 1, totals: [{ amount: '10.00', currency: 'USD' }] }))).toBe(
      '1 item, 1 account on mt5-demo-1; moves 10.00 USD; no warnings',
    );
    expect(formatPlanSummary(approvalV1.PlanSummary.fromPartial({ itemCount: 2, serverIds: ['mt5-demo-1', 'mt5-demo-2'] }))).toBe('2 items on mt5-demo-1, mt5-demo-2; no warnings');
    const large = approvalV1.PlanSummary.fromPartial({
      itemCount: 12_000,
      accountCount: 11_500,
      serverIds: ['s1', 's2', 's3', 's4', 's5', 's6', 's7'],
      totals: [
        { amount: '150000.00', currency: 'USD' },
        { amount: '20.50', currency: 'EUR' },
      ],
      warningCount: 3,
    });
    expect(formatPlanSummary(large)).toBe('12,000 items, 11,500 accounts on s1, s2, s3, s4, s5 and 2 more; moves 150000.00 USD, 20.50 EUR; 3 warnings');
    expect(formatServers([])).toBe('-');
  });

  it('shows a plan item as its target, the fields that change and its warnings', () => {
    expect(formatPlanItem(planItem).split('\n')).toEqual([
      'row 1  mt5-demo-1  login 500002  (item item-1)',
      '    balance: 100.00 -> 88.00',
      '    warning LOW_FREE_MARGIN items[0].balance_withdrawal.amount: leaves little free margin',
    ]);
  });

  it('counts the items not shown', () => {
    expect(formatMoreItems(20, 20, false)).toBeUndefined();
    expect(formatMoreItems(20, 500, true)).toBe('... 480 more items (--items 500 shows them)');
    expect(formatMoreItems(0, 1, false)).toBe('... 1 more item (--items 1 shows them)');
    expect(formatMoreItems(20, 0, true)).toBe('... more items (raise --items)');
  });

  it('shows the roll-out options the plan digest binds', () => {
    const operation = intakeV1.Operation.fromPartial({
      status: operationV1.OperationStatus.OPERATION_STATUS_PENDING_APPROVAL,
      statusReason: 'policy single-approval-balance asks for 1 approval',
      template: 'vip-bonus@2',
      options: { notBefore: new Date('2026-12-01T22:00:00Z'), maxFailures: 5, canaryServerId: 'mt5-demo-2' },
    });
    expect(formatOperationContext(operation).split('\n')).toEqual([
      'operation PENDING_APPROVAL: policy single-approval-balance asks for 1 approval',
      '  template vip-bonus@2',
      '  runs not before 2026-12-01T22:00:00Z',
      '  roll-out: stops after 5 failures; mt5-demo-2 first',
    ]);
  });

  it('tabulates pending requests, with a note when more wait', () => {
    const symbol = approvalV1.ApprovalRequest.fromPartial({
      operationId: 'op-2',
      operationType: 'symbol.set_spread',
      submittedBy: 'supervisor',
      requiredApprovals: 2,
      approvers: ['supervisor2'],
      expiresAt: later(5 * MINUTE),
      summary: { itemCount: 4, serverIds: ['mt5-demo-1', 'mt5-demo-2', 'mt4-demo-1'] },
    });
    expect(formatPendingList([withdrawal, symbol], now, true).split('\n')).toEqual([
      'operation                             type                submitted by  items          servers                            money      approvals  expires in',
      '11111111-2222-3333-4444-555555555555  balance.withdrawal  agent         3 (1 warning)  mt5-demo-1                         12.00 USD  0 of 1     23h 5m',
      'op-2                                  symbol.set_spread   supervisor    4              mt5-demo-1, mt5-demo-2 and 1 more  -          1 of 2     5m',
      '(more requests wait: raise --limit)',
    ]);
    expect(formatPendingList([], now, false)).toBe('nothing waits for your approval');
  });

  it('shows delegations one by one and as a table', () => {
    const delegation = approvalV1.Delegation.fromPartial({
      delegationId: 'd-1',
      delegator: 'supervisor',
      delegate: 'agent2',
      operationTypePattern: 'balance.*',
      validFrom: new Date('2026-03-01T12:00:00Z'),
      validUntil: new Date('2026-03-08T12:00:00Z'),
      reason: 'holiday cover',
    });
    expect(formatDelegation(delegation).split('\n')).toEqual([
      'delegation d-1: supervisor -> agent2 may approve balance.*',
      '  from 2026-03-01T12:00:00Z until 2026-03-08T12:00:00Z',
      '  reason: holiday cover',
    ]);
    expect(formatDelegation({ ...delegation, revokedAt: new Date('2026-03-02T09:00:00Z') })).toContain('until 2026-03-08T12:00:00Z; revoked at 2026-03-02T09:00:00Z');
    expect(formatDelegationList([delegation]).split('\n')).toEqual([
      'delegation  delegator   delegate  types      from                  until                 reason',
      'd-1         supervisor  agent2    balance.*  2026-03-01T12:00:00Z  2026-03-08T12:00:00Z  holiday cover',
    ]);
    expect(formatDelegationList([])).toBe('no delegations in force');
  });

  it('puts the request, the operation and the first items together, for people and for scripts', () => {
    const view = { request: withdrawal, operation: intakeV1.Operation.fromPartial({ status: operationV1.OperationStatus.OPERATION_STATUS_PENDING_APPROVAL }), items: [planItem], morePages: true };
    const text = formatApprovalView(view, now).split('\n');
    expect(text[0]).toBe('approval of 11111111-2222-3333-4444-555555555555 (balance.withdrawal): PENDING');
    expect(text.slice(6)).toEqual([
      'operation PENDING_APPROVAL',
      'row 1  mt5-demo-1  login 500002  (item item-1)',
      '    balance: 100.00 -> 88.00',
      '    warning LOW_FREE_MARGIN items[0].balance_withdrawal.amount: leaves little free margin',
      '... 2 more items (--items 3 shows them)',
    ]);
    const json = approvalViewJson(view);
    expect(json).toMatchObject({
      operationId: withdrawal.operationId,
      state: 'APPROVAL_STATE_PENDING',
      planDigest: withdrawal.planDigest,
      summary: { itemCount: 3, totals: [{ amount: '12.00', currency: 'USD' }] },
      operation: { status: 'OPERATION_STATUS_PENDING_APPROVAL' },
      plan: { items: [{ itemId: 'item-1', rowNumber: 1, before: { login: '500002' } }], moreItems: 2 },
    });
  });
});
