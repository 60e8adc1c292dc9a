import type { MigrationInterface, QueryRunner } from 'typeorm';

// Grants gain scopes (servers by registry tag, MT groups by mask) and limits per currency. Existing rows keep their
// meaning: no tags, no group masks and no limits is what a grant meant before.
export class AddGrantScopesAndLimits1764300000000 implements MigrationInterface {
  name = 'AddGrantScopesAndLimits1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE grants
        ADD COLUMN server_tags text[] NOT NULL DEFAULT '{}',
        ADD COLUMN group_masks text[] NOT NULL DEFAULT '{}',
        ADD CONSTRAINT grants_server_scope_check CHECK (server_pattern <> '' OR cardinality(server_tags) > 0)`);
    // The same role, action and type may now hold several grants that differ only in tags or groups (e.g. deposits
    // up to one amount on real groups, up to another on demo groups).
    await queryRunner.query('ALTER TABLE grants DROP CONSTRAINT grants_role_action_scope_key');
    await queryRunner.query(
      'ALTER TABLE grants ADD CONSTRAINT grants_role_action_scope_key UNIQUE (role, action, operation_type_pattern, server_pattern, server_tags, group_masks)',
    );
    await queryRunner.query(`
      CREATE TABLE grant_limits (
        grant_id uuid NOT NULL CONSTRAINT grant_limits_grant_id_fkey REFERENCES grants (id) ON DELETE CASCADE,
        currency text NOT NULL,
        max_per_item numeric(18,4),
        max_per_operation numeric(18,4),
        max_per_user_day numeric(18,4),
        CONSTRAINT grant_limits_pkey PRIMARY KEY (grant_id, currency),
        CONSTRAINT grant_limits_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
        CONSTRAINT grant_limits_bounds_check CHECK (max_per_item >= 0 AND max_per_operation >= 0 AND max_per_user_day >= 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The older schema cannot express a scope or a limit, and dropping one would widen the grant: scoped or limited
    // grants are removed instead (narrower, never wider). The demo grants' own migration restores them first.
    await queryRunner.query('DELETE FROM grants WHERE cardinality(server_tags) > 0 OR cardinality(group_masks) > 0 OR id IN (SELECT grant_id FROM grant_limits)');
    await queryRunner.query('DROP TABLE grant_limits');
    await queryRunner.query('ALTER TABLE grants DROP CONSTRAINT grants_role_action_scope_key');
    await queryRunner.query('ALTER TABLE grants ADD CONSTRAINT grants_role_action_scope_key UNIQUE (role, action, operation_type_pattern, server_pattern)');
    await queryRunner.query('ALTER TABLE grants DROP CONSTRAINT grants_server_scope_check, DROP COLUMN group_masks, DROP COLUMN server_tags');
  }
}
