import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed checkpoints of the chain, append-only like the records. */
export class CreateAuditCheckpoints1764203400000 implements MigrationInterface {
  name = 'CreateAuditCheckpoints1764203400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_checkpoints (
        sequence bigint PRIMARY KEY,
        head_hash text NOT NULL,
        signed_at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_checkpoints');
  }
}
