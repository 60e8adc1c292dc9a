import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Approval policies scoped by registry tag, and approval's own projection of the servers' tags (from registry events). */
export class PolicyServerTags1764203300000 implements MigrationInterface {
  name = 'PolicyServerTags1764203300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE approval_policies ADD COLUMN server_tags text[] NOT NULL DEFAULT '{}'");
    await queryRunner.query(`
      CREATE TABLE server_tags (
        server_id text PRIMARY KEY,
        tags text[] NOT NULL,
        changed_at timestamptz NOT NULL,
        event_id uuid NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE server_tags');
    await queryRunner.query('ALTER TABLE approval_policies DROP COLUMN server_tags');
  }
}
