import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The execution-commands partition each ledger item came from: an instance executes only the items of the partitions
 * it holds. Rows from before stay NULL until the instance that takes their server's partition adopts them.
 */
export class AddExecutionPartition1764202700000 implements MigrationInterface {
  name = 'AddExecutionPartition1764202700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE execution_items ADD COLUMN kafka_partition integer');
    await queryRunner.query(
      "CREATE INDEX execution_items_partition_open_idx ON execution_items (kafka_partition, seq) WHERE status IN ('PENDING', 'IN_PROGRESS')",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX execution_items_partition_open_idx');
    await queryRunner.query('ALTER TABLE execution_items DROP COLUMN kafka_partition');
  }
}
