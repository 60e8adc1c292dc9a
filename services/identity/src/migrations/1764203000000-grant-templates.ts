import type { MigrationInterface, QueryRunner } from 'typeorm';

// Operation templates are permissioned under "template.<operation type>". Admins already hold admin and view on "*",
// supervisors and compliance view on "*"; agents and integrations, who submit from templates, need to read them.
const GRANTS: [role: string, action: string, operationTypePattern: string][] = [
  ['ops-agent', 'view', 'template.*'],
  ['integration', 'view', 'template.*'],
];

export class GrantTemplates1764203000000 implements MigrationInterface {
  name = 'GrantTemplates1764203000000';

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
