import type { MigrationInterface, QueryRunner } from 'typeorm';

// Reverts ("operation.revert") restore what an operation applied, across types: supervisors may ask for one (and,
// being maker-checker, another supervisor approves it). Pending orders' stop levels ("order.*") go with positions'.
const GRANTS: [role: string, action: string, operationTypePattern: string][] = [
  ['ops-supervisor', 'submit', 'operation.revert'],
  ['ops-agent', 'submit', 'order.*'],
  ['ops-agent', 'view', 'order.*'],
  ['ops-supervisor', 'submit', 'order.*'],
];

export class GrantRevertsAndOrders1764203100000 implements MigrationInterface {
  name = 'GrantRevertsAndOrders1764203100000';

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
