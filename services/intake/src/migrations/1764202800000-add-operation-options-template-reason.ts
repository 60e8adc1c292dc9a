import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations keep their batch options, the template they were made from and why they stopped short (a cancellation's
 * reason). Two indexes serve ListOperations: newest-first paging and the "has an item on this server" filter.
 */
export class AddOperationOptionsTemplateReason1764202800000 implements MigrationInterface {
  name = 'AddOperationOptionsTemplateReason1764202800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operations ADD COLUMN options jsonb, ADD COLUMN template text, ADD COLUMN status_reason text');
    await queryRunner.query('CREATE INDEX operations_created_idx ON operations (created_at, operation_id)');
    await queryRunner.query('CREATE INDEX operation_items_operation_server_idx ON operation_items (operation_id, server_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX operation_items_operation_server_idx');
    await queryRunner.query('DROP INDEX operations_created_idx');
    await queryRunner.query('ALTER TABLE operations DROP COLUMN status_reason, DROP COLUMN template, DROP COLUMN options');
  }
}
