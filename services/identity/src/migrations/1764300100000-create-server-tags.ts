import type { MigrationInterface, QueryRunner } from 'typeorm';

// Identity's projection of the gateway's registry (server -> tags), fed by ServerRegistryChanged events.
export class CreateServerTags1764300100000 implements MigrationInterface {
  name = 'CreateServerTags1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
  }
}
