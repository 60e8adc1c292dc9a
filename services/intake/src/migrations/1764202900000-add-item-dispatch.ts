import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roll-out options an operation was approved with (canonical JSON, part of its digest); items are sent to the
 * gateway in stages (canary, waves), so each records when it was sent; and the progress checks
 * of large operations look items up by operation and state.
 */
export class AddItemDispatch1764202900000 implements MigrationInterface {
  name = 'AddItemDispatch1764202900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operation_items ADD COLUMN dispatched_at timestamptz');
    await queryRunner.query("UPDATE operation_items SET dispatched_at = now() WHERE status <> 'PENDING' OR operation_id IN (SELECT operation_id FROM operations WHERE status = 'EXECUTING')");
    await queryRunner.query('CREATE INDEX operation_items_operation_status_idx ON operation_items (operation_id, status)');
    await queryRunner.query("ALTER TABLE operations ADD COLUMN execution_options text NOT NULL DEFAULT ''");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operations DROP COLUMN execution_options');
    await queryRunner.query('DROP INDEX operation_items_operation_status_idx');
    await queryRunner.query('ALTER TABLE operation_items DROP COLUMN dispatched_at');
  }
}
