import type { MigrationInterface, QueryRunner } from 'typeorm';

// Grants and approval policies change as operations (grant.*, approval_policy.*): administrators submit them and
// administrators approve them (the approval policies make that a second administrator). Their items name the applying
// service as their server ("tradewarden-identity", "tradewarden-approval"), which "*" covers. Admins already view
// everything ("view *"), so the plans and ListPolicies are readable to them without another grant.
const GRANTS: [role: string, action: string, operationTypePattern: string][] = [
  ['admin', 'submit', 'grant.*'],
  ['admin', 'approve', 'grant.*'],
  ['admin', 'submit', 'approval_policy.*'],
  ['admin', 'approve', 'approval_policy.*'],
];

export class GrantPlatformChanges1764300300000 implements MigrationInterface {
  name = 'GrantPlatformChanges1764300300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [role, action, pattern] of GRANTS) {
      await queryRunner.query(
        `INSERT INTO grants (id, role, action, operation_type_pattern, server_pattern) VALUES (gen_random_uuid(), $1, $2, $3, '*')
         ON CONFLICT ON CONSTRAINT grants_role_action_scope_key DO NOTHING`,
        [role, action, pattern],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [role, action, pattern] of GRANTS) {
      await queryRunner.query(
        "DELETE FROM grants WHERE role = $1 AND action = $2 AND operation_type_pattern = $3 AND server_pattern = '*' AND server_tags = '{}' AND group_masks = '{}'",
        [role, action, pattern],
      );
    }
  }
}
