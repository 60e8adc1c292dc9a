import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sealed generated passwords awaiting their submitter, and who submitted each ledger item. */
export class CreateIssuedCredentials1764202600000 implements MigrationInterface {
  name = 'CreateIssuedCredentials1764202600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE issued_credentials (
        item_id uuid PRIMARY KEY,
        operation_id uuid NOT NULL,
        server_id text NOT NULL,
        login text,
        kinds text[] NOT NULL,
        sealed bytea,
        submitted_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        claimed_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX issued_credentials_expires_idx ON issued_credentials (expires_at) WHERE sealed IS NOT NULL');
    await queryRunner.query("ALTER TABLE execution_items ADD COLUMN submitted_by text NOT NULL DEFAULT ''");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE execution_items DROP COLUMN submitted_by');
    await queryRunner.query('DROP TABLE issued_credentials');
  }
}
