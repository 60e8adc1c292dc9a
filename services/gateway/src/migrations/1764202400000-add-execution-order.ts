import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-account order of execution across concurrent executors: `seq` orders items (also those inserted in one
 * transaction), `account_key` names the account an item changes.
 */
export class AddExecutionOrder1764202400000 implements MigrationInterface {
  name = 'AddExecutionOrder1764202400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE execution_items ADD COLUMN seq bigserial, ADD COLUMN account_key text NOT NULL DEFAULT ''");
    await queryRunner.query("UPDATE execution_items SET account_key = coalesce(plan->'spec'->'balanceDeposit'->>'login', '')");
    await queryRunner.query('ALTER TABLE execution_items ALTER COLUMN account_key DROP DEFAULT');
    await queryRunner.query('CREATE UNIQUE INDEX execution_items_seq_key ON execution_items (seq)');
    await queryRunner.query(
      "CREATE INDEX execution_items_account_open_idx ON execution_items (server_id, account_key, seq) WHERE status IN ('PENDING', 'IN_PROGRESS')",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX execution_items_account_open_idx');
    await queryRunner.query('DROP INDEX execution_items_seq_key');
    await queryRunner.query('ALTER TABLE execution_items DROP COLUMN account_key, DROP COLUMN seq');
  }
}
