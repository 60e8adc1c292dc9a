import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each item keeps the MtChange the gateway applies (plans now carry it), and items the MT server refused with a
 * retcode are REJECTED rather than FAILED. Items recorded before were all deposits; their change is derived.
 */
export class AddItemChange1764202500000 implements MigrationInterface {
  name = 'AddItemChange1764202500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operation_items ADD COLUMN change jsonb');
    await queryRunner.query(
      `UPDATE operation_items SET change = jsonb_build_object('balance', jsonb_build_object(
         'login', spec->'balanceDeposit'->>'login',
         'dealType', 'BALANCE_DEAL_TYPE_BALANCE',
         'amount', spec->'balanceDeposit'->'amount'->>'amount',
         'currency', spec->'balanceDeposit'->'amount'->>'currency'))`,
    );
    await queryRunner.query('ALTER TABLE operation_items ALTER COLUMN change SET NOT NULL');
    await queryRunner.query('ALTER TABLE operation_items DROP CONSTRAINT operation_items_status_check');
    await queryRunner.query(
      "ALTER TABLE operation_items ADD CONSTRAINT operation_items_status_check CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'DRIFTED', 'REJECTED', 'SKIPPED'))",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE operation_items SET status = 'FAILED' WHERE status = 'REJECTED'");
    await queryRunner.query('ALTER TABLE operation_items DROP CONSTRAINT operation_items_status_check');
    await queryRunner.query(
      "ALTER TABLE operation_items ADD CONSTRAINT operation_items_status_check CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'DRIFTED', 'SKIPPED'))",
    );
    await queryRunner.query('ALTER TABLE operation_items DROP COLUMN change');
  }
}
