import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRegistryAndLedger1764201800000 implements MigrationInterface {
  name = 'CreateRegistryAndLedger1764201800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mt_servers (
        id text PRIMARY KEY,
        platform text NOT NULL CONSTRAINT mt_servers_platform_check CHECK (platform IN ('mt5', 'mt4')),
        address text NOT NULL,
        manager_login text NOT NULL,
        password_ref text NOT NULL,
        tags text[] NOT NULL,
        max_connections integer NOT NULL CONSTRAINT mt_servers_max_connections_check CHECK (max_connections > 0),
        request_timeout_ms integer NOT NULL CONSTRAINT mt_servers_request_timeout_ms_check CHECK (request_timeout_ms > 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE execution_items (
        item_id uuid PRIMARY KEY,
        operation_id uuid NOT NULL,
        server_id text NOT NULL,
        operation_type text NOT NULL,
        plan_digest text NOT NULL,
        plan jsonb NOT NULL,
        execution_token text NOT NULL CONSTRAINT execution_items_token_key UNIQUE,
        traceparent text,
        status text NOT NULL CONSTRAINT execution_items_status_check CHECK (status IN ('PENDING', 'IN_PROGRESS', 'APPLIED', 'FAILED', 'DRIFTED')),
        attempts integer NOT NULL DEFAULT 0,
        mt_reference text,
        mt_retcode text,
        live_before jsonb,
        live_after jsonb,
        error_code text,
        error_message text,
        not_before timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX execution_items_open_idx ON execution_items (status, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE execution_items');
    await queryRunner.query('DROP TABLE mt_servers');
  }
}
