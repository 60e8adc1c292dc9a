import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A revert operation names the operation it restores. At most one revert of an operation may be under way or done:
 * the unique index leaves out reverts that ended without applying anything, so those can be asked for again.
 */
export class AddOperationReverts1764203100000 implements MigrationInterface {
  name = 'AddOperationReverts1764203100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operations ADD COLUMN reverts_operation_id uuid CONSTRAINT operations_reverts_operation_id_fkey REFERENCES operations (operation_id)');
    await queryRunner.query(
      `CREATE UNIQUE INDEX operations_one_revert_idx ON operations (reverts_operation_id)
        WHERE status NOT IN ('FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'INVALID')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX operations_one_revert_idx');
    await queryRunner.query('ALTER TABLE operations DROP COLUMN reverts_operation_id');
  }
}
