import type { MigrationInterface, QueryRunner } from 'typeorm';

// The demo broker's grants with scopes and limits. Agents and integrations act on accounts in real and demo groups
// only; their balance operations are limited per item, per operation and per user per day in each currency the
// simulator's groups use (another currency is refused). Agents' per-item limit stays above the approval policies'
// two-approval threshold (100,000) on purpose: large deposits are the approval service's case, not a denial.
// Supervisors may also correct balances, but only on servers the registry tags "demo".
const SCOPED_TYPES: [role: string, operationTypePattern: string][] = [
  ['ops-agent', 'balance.*'],
  ['ops-agent', 'account.*'],
  ['ops-agent', 'position.*'],
  ['ops-agent', 'order.*'],
  ['integration', 'balance.*'],
  ['integration', 'account.*'],
];
const GROUPS = '{real*,demo*}';
const CURRENCIES = ['USD', 'EUR'];
const LIMITS: [role: string, perItem: string, perOperation: string | null, perUserDay: string | null][] = [
  ['ops-agent', '250000.00', '1000000.00', '2000000.00'],
  ['integration', '50000.00', '5000000.00', '20000000.00'],
];
const SUPERVISOR_DEMO_PER_ITEM = '1000000.00';

export class ScopeDemoGrants1764300200000 implements MigrationInterface {
  name = 'ScopeDemoGrants1764300200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [role, pattern] of SCOPED_TYPES) {
      await queryRunner.query(
        `UPDATE grants SET group_masks = $3 WHERE role = $1 AND action = 'submit' AND operation_type_pattern = $2 AND server_pattern = '*'
           AND server_tags = '{}' AND group_masks = '{}'`,
        [role, pattern, GROUPS],
      );
    }
    for (const [role, perItem, perOperation, perUserDay] of LIMITS) {
      for (const currency of CURRENCIES) {
        await queryRunner.query(
          `INSERT INTO grant_limits (grant_id, currency, max_per_item, max_per_operation, max_per_user_day)
           SELECT id, $2, $3, $4, $5 FROM grants
            WHERE role = $1 AND action = 'submit' AND operation_type_pattern = 'balance.*' AND server_pattern = '*' AND group_masks = $6
           ON CONFLICT DO NOTHING`,
          [role, currency, perItem, perOperation, perUserDay, GROUPS],
        );
      }
    }
    const [supervisor] = (await queryRunner.query(
      `INSERT INTO grants (id, role, action, operation_type_pattern, server_pattern, server_tags) VALUES (gen_random_uuid(), 'ops-supervisor', 'submit', 'balance.*', '', '{demo}')
       ON CONFLICT DO NOTHING RETURNING id`,
    )) as { id: string }[];
    if (supervisor) {
      for (const currency of CURRENCIES) {
        await queryRunner.query('INSERT INTO grant_limits (grant_id, currency, max_per_item) VALUES ($1, $2, $3)', [supervisor.id, currency, SUPERVISOR_DEMO_PER_ITEM]);
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM grants WHERE role = 'ops-supervisor' AND action = 'submit' AND operation_type_pattern = 'balance.*' AND server_pattern = '' AND server_tags = '{demo}' AND group_masks = '{}'");
    for (const [role, pattern] of SCOPED_TYPES) {
      await queryRunner.query(
        `DELETE FROM grant_limits WHERE grant_id IN (SELECT id FROM grants WHERE role = $1 AND action = 'submit' AND operation_type_pattern = $2 AND server_pattern = '*' AND server_tags = '{}' AND group_masks = $3)`,
        [role, pattern, GROUPS],
      );
      await queryRunner.query(
        `UPDATE grants SET group_masks = '{}' WHERE role = $1 AND action = 'submit' AND operation_type_pattern = $2 AND server_pattern = '*' AND server_tags = '{}' AND group_masks = $3`,
        [role, pattern, GROUPS],
      );
    }
  }
}
