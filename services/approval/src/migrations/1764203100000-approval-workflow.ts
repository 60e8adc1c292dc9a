import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The approval workflow of issue 5: policies scoped by servers, groups and affected accounts, naming the roles that
 * may approve and how long a request waits; requests that expire and carry a summary of their plan; decisions taken
 * under a delegation; delegations of approval rights for a bounded time.
 */
export class ApprovalWorkflow1764203100000 implements MigrationInterface {
  name = 'ApprovalWorkflow1764203100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE approval_policies
        ADD COLUMN server_pattern text NOT NULL DEFAULT '*',
        ADD COLUMN group_masks text[] NOT NULL DEFAULT '{}',
        ADD COLUMN max_accounts integer CONSTRAINT approval_policies_max_accounts_check CHECK (max_accounts > 0),
        ADD COLUMN approver_roles text[] NOT NULL DEFAULT '{}',
        ADD COLUMN ttl_seconds integer CONSTRAINT approval_policies_ttl_seconds_check CHECK (ttl_seconds > 0)`);
    // Balance operations get a second approver past 100,000 per currency or 1,000 accounts; everything else keeps one.
    await queryRunner.query(`
      INSERT INTO approval_policies (name, operation_type_pattern, mode, required_approvals, max_total_per_currency, priority, max_accounts) VALUES
        ('single-approval-balance', 'balance.*', 'MANUAL', 1, 100000, 500, 1000),
        ('large-balance-two-approvals', 'balance.*', 'MANUAL', 2, NULL, 900, NULL)`);
    await queryRunner.query(`
      ALTER TABLE approval_requests
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN server_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN item_count integer NOT NULL DEFAULT 0,
        ADD COLUMN account_count integer NOT NULL DEFAULT 0,
        ADD COLUMN totals jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN warning_count integer NOT NULL DEFAULT 0,
        ADD COLUMN approver_roles text[] NOT NULL DEFAULT '{}',
        ADD COLUMN submitted_by_username text NOT NULL DEFAULT '',
        ADD COLUMN reason text`);
    await queryRunner.query('CREATE INDEX approval_requests_state_expiry_idx ON approval_requests (state, expires_at)');
    await queryRunner.query('CREATE INDEX approval_requests_state_created_idx ON approval_requests (state, created_at, operation_id)');
    await queryRunner.query('ALTER TABLE approval_decisions ADD COLUMN on_behalf_of text, ADD COLUMN on_behalf_of_username text');
    await queryRunner.query(`
      CREATE TABLE approval_delegations (
        delegation_id uuid PRIMARY KEY,
        delegator_subject text NOT NULL,
        delegator_username text NOT NULL,
        delegator_actor jsonb NOT NULL,
        delegate_username text NOT NULL,
        operation_type_pattern text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        reason text NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT approval_delegations_period_check CHECK (valid_until > valid_from)
      )`);
    await queryRunner.query('CREATE INDEX approval_delegations_delegate_idx ON approval_delegations (delegate_username, valid_until)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE approval_delegations');
    await queryRunner.query('ALTER TABLE approval_decisions DROP COLUMN on_behalf_of_username, DROP COLUMN on_behalf_of');
    await queryRunner.query('DROP INDEX approval_requests_state_created_idx');
    await queryRunner.query('DROP INDEX approval_requests_state_expiry_idx');
    await queryRunner.query(`
      ALTER TABLE approval_requests
        DROP COLUMN reason, DROP COLUMN submitted_by_username, DROP COLUMN approver_roles, DROP COLUMN warning_count,
        DROP COLUMN totals, DROP COLUMN account_count, DROP COLUMN item_count, DROP COLUMN server_ids, DROP COLUMN expires_at`);
    await queryRunner.query("DELETE FROM approval_policies WHERE name IN ('single-approval-balance', 'large-balance-two-approvals')");
    await queryRunner.query(`
      ALTER TABLE approval_policies
        DROP COLUMN ttl_seconds, DROP COLUMN approver_roles, DROP COLUMN max_accounts, DROP COLUMN group_masks, DROP COLUMN server_pattern`);
  }
}
