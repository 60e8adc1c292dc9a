import type { MigrationInterface, QueryRunner } from 'typeorm';

// The default grants of a new deployment. Later changes to grants are operations of their own (submitted, approved,
// audited); these rows are only the starting point.
const DEFAULT_GRANTS: [role: string, action: string, operationTypePattern: string][] = [
  ['ops-agent', 'submit', 'balance.*'],
  ['ops-agent', 'submit', 'account.*'],
  ['ops-agent', 'view', 'balance.*'],
  ['ops-agent', 'view', 'account.*'],
  ['ops-agent', 'cancel', '*'],
  ['integration', 'submit', 'balance.*'],
  ['integration', 'submit', 'account.*'],
  ['integration', 'view', 'balance.*'],
  ['integration', 'view', 'account.*'],
  ['ops-supervisor', 'approve', '*'],
  ['ops-supervisor', 'view', '*'],
  ['ops-supervisor', 'cancel', '*'],
  ['compliance', 'view', '*'],
  ['admin', 'admin', '*'],
  ['admin', 'view', '*'],
];

export class CreateGrants1764201700000 implements MigrationInterface {
  name = 'CreateGrants1764201700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE grants (
        id uuid PRIMARY KEY,
        role text NOT NULL,
        action text NOT NULL CONSTRAINT grants_action_check CHECK (action IN ('submit', 'approve', 'view', 'cancel', 'admin')),
        operation_type_pattern text NOT NULL,
        server_pattern text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grants_role_action_scope_key UNIQUE (role, action, operation_type_pattern, server_pattern)
      )`);
    for (const [role, action, pattern] of DEFAULT_GRANTS) {
      await queryRunner.query(
        'INSERT INTO grants (id, role, action, operation_type_pattern, server_pattern) VALUES (gen_random_uuid(), $1, $2, $3, $4)',
        [role, action, pattern, '*'],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE grants');
  }
}
