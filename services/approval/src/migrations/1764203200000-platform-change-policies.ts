import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grant and approval-policy changes (grant.*, approval_policy.* operations) need one administrator's approval, and
 * since nobody approves their own submission, that is a second administrator. Ahead of every other policy (priority
 * 50), so a broader one such as "supervisor-approval" (everything) never lets a supervisor approve an administrator's
 * grant change.
 */
const POLICIES: [name: string, operationTypePattern: string][] = [
  ['grant-changes', 'grant.*'],
  ['approval-policy-changes', 'approval_policy.*'],
];

export class PlatformChangePolicies1764203200000 implements MigrationInterface {
  name = 'PlatformChangePolicies1764203200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, pattern] of POLICIES) {
      await queryRunner.query(
        `INSERT INTO approval_policies (name, operation_type_pattern, mode, required_approvals, priority, approver_roles)
         VALUES ($1, $2, 'MANUAL', 1, 50, '{admin}') ON CONFLICT (name) DO NOTHING`,
        [name, pattern],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM approval_policies WHERE name = ANY($1)', [POLICIES.map(([name]) => name)]);
  }
}
