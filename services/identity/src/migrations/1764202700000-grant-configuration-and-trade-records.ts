import type { MigrationInterface, QueryRunner } from 'typeorm';

// With the whole catalogue: agents correct trade records (positions); group and symbol configuration is submitted by
// supervisors (and approved by another one, since nobody approves their own operation).
const GRANTS: [role: string, action: string, operationTypePattern: string][] = [
  ['ops-agent', 'submit', 'position.*'],
  ['ops-agent', 'view', 'position.*'],
  ['ops-supervisor', 'submit', 'group.*'],
  ['ops-supervisor', 'submit', 'symbol.*'],
  ['ops-supervisor', 'submit', 'position.*'],
];

export class GrantConfigurationAndTradeRecords1764202700000 implements MigrationInterface {
  name = 'GrantConfigurationAndTradeRecords1764202700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [role, action, pattern] of GRANTS) {
      await queryRunner.query(
        `INSERT INTO grants (id, role, action, operation_type_pattern, server_pattern) VALUES (gen_random_uuid(), $1, $2, $3, '*')
         ON CONFLICT (role, action, operation_type_pattern, server_pattern) DO NOTHING`,
        [role, action, pattern],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [role, action, pattern] of GRANTS) {
      await queryRunner.query("DELETE FROM grants WHERE role = $1 AND action = $2 AND operation_type_pattern = $3 AND server_pattern = '*'", [role, action, pattern]);
    }
  }
}
