import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Servers can be taken out of service by an administrator. */
export class AddServerEnabled1764202300000 implements MigrationInterface {
  name = 'AddServerEnabled1764202300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE mt_servers ADD COLUMN enabled boolean NOT NULL DEFAULT true, ADD COLUMN disabled_reason text');
    await queryRunner.query('ALTER TABLE mt_servers ALTER COLUMN enabled DROP DEFAULT');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE mt_servers DROP COLUMN disabled_reason, DROP COLUMN enabled');
  }
}
