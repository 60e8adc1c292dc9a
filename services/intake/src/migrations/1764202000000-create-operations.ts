import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOperations1764202000000 implements MigrationInterface {
  name = 'CreateOperations1764202000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operations (
        operation_id uuid PRIMARY KEY,
        client_request_id text NOT NULL,
        request_hash text NOT NULL,
        submitted_by text NOT NULL,
        submitted_by_username text NOT NULL,
        operation_type text NOT NULL,
        status text NOT NULL,
        plan_digest text NOT NULL,
        decision_id text NOT NULL,
        traceparent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT operations_submitter_request_key UNIQUE (submitted_by, client_request_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE operation_items (
        item_id uuid PRIMARY KEY,
        operation_id uuid NOT NULL CONSTRAINT operation_items_operation_id_fkey REFERENCES operations (operation_id),
        row_number integer NOT NULL,
        server_id text NOT NULL,
        spec jsonb NOT NULL,
        before jsonb NOT NULL,
        after jsonb NOT NULL,
        status text NOT NULL CONSTRAINT operation_items_status_check CHECK (status IN ('PENDING', 'APPLIED', 'FAILED', 'DRIFTED', 'SKIPPED')),
        mt_reference text,
        error_code text,
        error_message text
      )`);
    await queryRunner.query('CREATE INDEX operation_items_operation_idx ON operation_items (operation_id, row_number)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE operation_items');
    await queryRunner.query('DROP TABLE operations');
  }
}
