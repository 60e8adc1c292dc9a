import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pool and TLS settings per MT server. */
export class AddConnectionSettings1764202200000 implements MigrationInterface {
  name = 'AddConnectionSettings1764202200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE mt_servers
        ADD COLUMN min_idle integer NOT NULL DEFAULT 1,
        ADD COLUMN requests_per_second integer NOT NULL DEFAULT 50,
        ADD COLUMN acquire_timeout_ms integer NOT NULL DEFAULT 15000,
        ADD COLUMN tls_ca_file text,
        ADD COLUMN tls_pinned_sha256 text,
        ADD COLUMN allow_plain_http boolean NOT NULL DEFAULT false`);
    // The defaults only fill existing rows; new rows always state their settings.
    await queryRunner.query(`
      ALTER TABLE mt_servers
        ALTER COLUMN min_idle DROP DEFAULT,
        ALTER COLUMN requests_per_second DROP DEFAULT,
        ALTER COLUMN acquire_timeout_ms DROP DEFAULT,
        ALTER COLUMN allow_plain_http DROP DEFAULT,
        ADD CONSTRAINT mt_servers_pool_check CHECK (min_idle >= 0 AND min_idle <= max_connections AND requests_per_second > 0 AND acquire_timeout_ms > 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE mt_servers
        DROP CONSTRAINT mt_servers_pool_check,
        DROP COLUMN min_idle,
        DROP COLUMN requests_per_second,
        DROP COLUMN acquire_timeout_ms,
        DROP COLUMN tls_ca_file,
        DROP COLUMN tls_pinned_sha256,
        DROP COLUMN allow_plain_http`);
  }
}
