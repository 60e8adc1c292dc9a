import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditRecords1764202100000 implements MigrationInterface {
  name = 'CreateAuditRecords1764202100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_records (
        sequence bigint PRIMARY KEY,
        recorded_at timestamptz NOT NULL,
        occurred_at text NOT NULL,
        event_id text NOT NULL CONSTRAINT audit_records_event_id_key UNIQUE,
        event_type text NOT NULL,
        source_topic text NOT NULL,
        actor_subject text NOT NULL,
        actor_username text NOT NULL,
        actor_roles text[] NOT NULL,
        actor_client text NOT NULL,
        operation_id text NOT NULL,
        server_id text NOT NULL,
        trace_id text NOT NULL,
        details jsonb NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX audit_records_operation_idx ON audit_records (operation_id, sequence)');
    await queryRunner.query(`
      CREATE TABLE audit_chain_head (
        id integer PRIMARY KEY CHECK (id = 1),
        sequence bigint NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO audit_chain_head (id, sequence, hash) VALUES (1, 0, '${'0'.repeat(64)}')`);
    // Append-only even for the table owner: changing history needs a migration that drops this trigger, which is
    // itself visible in the schema history.
    await queryRunner.query(`
      CREATE FUNCTION audit_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_chain_head');
    await queryRunner.query('DROP TABLE audit_records');
    await queryRunner.query('DROP FUNCTION audit_records_refuse_change()');
  }
}
