import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An item the MT server refused with a retcode is REJECTED: a definite outcome, unlike a failure of ours. */
export class AddRejectedStatus1764202500000 implements MigrationInterface {
  name = 'AddRejectedStatus1764202500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE execution_items DROP CONSTRAINT execution_items_status_check');
    await queryRunner.query(
      "ALTER TABLE execution_items ADD CONSTRAINT execution_items_status_check CHECK (status IN ('PENDING', 'IN_PROGRESS', 'APPLIED', 'FAILED', 'DRIFTED', 'REJECTED'))",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE execution_items SET status = 'FAILED' WHERE status = 'REJECTED'");
    await queryRunner.query('ALTER TABLE execution_items DROP CONSTRAINT execution_items_status_check');
    await queryRunner.query(
      "ALTER TABLE execution_items ADD CONSTRAINT execution_items_status_check CHECK (status IN ('PENDING', 'IN_PROGRESS', 'APPLIED', 'FAILED', 'DRIFTED'))",
    );
  }
}
