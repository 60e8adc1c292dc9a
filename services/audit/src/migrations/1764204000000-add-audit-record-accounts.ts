import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the MT accounts each record's details name, for the account filter. Existing records are filled in with the
 * append-only trigger switched off for this transaction only: the column is derived from the hashed details and changes
 * nothing the chain covers, and this migration is the visible record that it was done.
 */
export class AddAuditRecordAccounts1764204000000 implements MigrationInterface {
  name = 'AddAuditRecordAccounts1764204000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_records ADD COLUMN accounts text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only');
    await queryRunner.query(`
      UPDATE audit_records SET accounts = ARRAY(
        SELECT DISTINCT login.value #>> '{}'
        FROM jsonb_path_query(details, 'lax $.**.login') AS login(value)
        WHERE jsonb_typeof(login.value) IN ('string', 'number') AND login.value #>> '{}' NOT IN ('', '0')
        ORDER BY 1)`);
    await queryRunner.query('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only');
    await queryRunner.query('CREATE INDEX audit_records_accounts_idx ON audit_records USING gin (accounts)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX audit_records_accounts_idx');
    await queryRunner.query('ALTER TABLE audit_records DROP COLUMN accounts');
  }
}
