import { approvalV1, gatewayV1, intakeV1 } from '@tradewarden/proto';
import { formatApprovalRequest } from './approval-format';
import { formatCredentials } from './credentials-commands';
import { progressLine } from './progress-bar';
import { formatTemplate, formatTemplateList, parseTemplateReference } from './template-format';

describe('approval, credentials, templates and progress formatting', () => {
  it('shows an approval request with its digest and approvers', () => {
    const request = approvalV1.ApprovalRequest.fromPartial({
      operationId: 'op-1',
      operationType: 'balance.deposit',
      state: approvalV1.ApprovalState.APPROVAL_STATE_PENDING,
      policyName: 'large-deposits',
      planDigest: 'ab'.repeat(32),
      requiredApprovals: 2,
      approvers: ['supervisor'],
    });
    expect(formatApprovalRequest(request, Date.parse('2026-01-01T00:00:00Z')).split('\n')).toEqual([
      'approval of op-1 (balance.deposit): PENDING',
      '  policy large-deposits; 1 of 2 approvals (supervisor)',
      `  plan digest ${'ab'.repeat(32)}`,
    ]);
  });

  it('prints only the passwords the item set', () => {
    expect(formatCredentials(gatewayV1.ClaimCredentialsResponse.fromPartial({ serverId: 'mt5-demo-1', login: '500009', mainPassword: 'Xy7!' }))).toBe(
      'server mt5-demo-1  login 500009\n  main password:     Xy7!',
    );
  });

  it('reads template references and shows templates', () => {
    expect(parseTemplateReference('vip-bonus')).toEqual({ name: 'vip-bonus', version: 0 });
    expect(parseTemplateReference('vip-bonus@3')).toEqual({ name: 'vip-bonus', version: 3 });
    expect(() => parseTemplateReference('vip-bonus@latest')).toThrow('the version after @ is a number');
    const template = intakeV1.OperationTemplate.fromPartial({
      name: 'vip-bonus',
      version: 3,
      operationType: 'balance.credit_in',
      description: 'VIP credit',
      constraints: { maxAmountPerItem: { amount: '500.00', currency: 'USD' }, groupMasks: ['real\\pro\\*'], maxItems: 100 },
    });
    expect(formatTemplateList([template])).toContain('vip-bonus@3  balance.credit_in  -');
    expect(formatTemplate(template)).toContain('at most 500.00 USD per item');
    expect(formatTemplate(template)).toContain('groups: real\\pro\\*');
  });

  it('draws progress', () => {
    expect(progressLine(40_000, 100_000, 'items sent', 10)).toBe('[####------]  40% 40,000/100,000 items sent');
  });
});
