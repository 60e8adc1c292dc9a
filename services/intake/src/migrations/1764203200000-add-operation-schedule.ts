import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scheduled execution: an approved operation waits as SCHEDULED until its not_before time. */
export class AddOperationSchedule1764203200000 implements MigrationInterface {
  name = 'AddOperationSchedule1764203200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operations ADD COLUMN not_before timestamptz');
    await queryRunner.query('CREATE INDEX operations_scheduled_idx ON operations (status, not_before)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX operations_scheduled_idx');
    await queryRunner.query('ALTER TABLE operations DROP COLUMN not_before');
  }
}
