import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who approved or rejected what, one row per approver and request. */
export class CreateApprovalDecisions1764202700000 implements MigrationInterface {
  name = 'CreateApprovalDecisions1764202700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE approval_decisions (
        operation_id uuid NOT NULL,
        decided_by text NOT NULL,
        actor jsonb NOT NULL,
        decision text NOT NULL CONSTRAINT approval_decisions_decision_check CHECK (decision IN ('APPROVED', 'REJECTED')),
        plan_digest text NOT NULL,
        note text NOT NULL,
        decided_at timestamptz NOT NULL,
        PRIMARY KEY (operation_id, decided_by)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE approval_decisions');
  }
}
