import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pages of large plans: an approval request for a 100,000-item batch reads its plan page by page. */
export class CreatePlanPages1764202900000 implements MigrationInterface {
  name = 'CreatePlanPages1764202900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE approval_plan_pages (
        operation_id uuid NOT NULL,
        page_number integer NOT NULL,
        items jsonb NOT NULL,
        PRIMARY KEY (operation_id, page_number)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE approval_plan_pages');
  }
}
