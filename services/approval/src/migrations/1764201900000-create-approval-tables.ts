import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApprovalTables1764201900000 implements MigrationInterface {
  name = 'CreateApprovalTables1764201900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE approval_policies (
        name text PRIMARY KEY,
        operation_type_pattern text NOT NULL,
        mode text NOT NULL CONSTRAINT approval_policies_mode_check CHECK (mode IN ('AUTO', 'MANUAL')),
        required_approvals integer NOT NULL CONSTRAINT approval_policies_required_approvals_check CHECK (required_approvals >= 0),
        max_total_per_currency numeric(30, 8),
        priority integer NOT NULL,
        CONSTRAINT approval_policies_mode_quorum_check CHECK ((mode = 'AUTO' AND required_approvals = 0) OR (mode = 'MANUAL' AND required_approvals > 0))
      )`);
    // Starting policies of a new deployment: small deposits run without a second person, everything else needs a
    // supervisor. Changing them is an approved operation of its own.
    await queryRunner.query(`
      INSERT INTO approval_policies (name, operation_type_pattern, mode, required_approvals, max_total_per_currency, priority) VALUES
        ('auto-approve-small-deposits', 'balance.deposit', 'AUTO', 0, 10000, 10),
        ('supervisor-approval', '*', 'MANUAL', 1, NULL, 1000)`);
    await queryRunner.query(`
      CREATE TABLE approval_requests (
        operation_id uuid PRIMARY KEY,
        operation_type text NOT NULL,
        plan_digest text NOT NULL,
        plan jsonb NOT NULL,
        policy_name text NOT NULL,
        required_approvals integer NOT NULL,
        state text NOT NULL CONSTRAINT approval_requests_state_check CHECK (state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED')),
        auto_approved boolean NOT NULL,
        submitted_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE approval_requests');
    await queryRunner.query('DROP TABLE approval_policies');
  }
}
