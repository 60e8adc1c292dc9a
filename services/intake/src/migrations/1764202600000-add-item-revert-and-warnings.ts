import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each item keeps the change that would revert it and the warnings live validation found (shown to approvers). */
export class AddItemRevertAndWarnings1764202600000 implements MigrationInterface {
  name = 'AddItemRevertAndWarnings1764202600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE operation_items ADD COLUMN revert jsonb, ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operation_items DROP COLUMN warnings, DROP COLUMN revert');
  }
}
