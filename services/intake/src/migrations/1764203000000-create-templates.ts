import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTemplates1764203000000 implements MigrationInterface {
  name = 'CreateTemplates1764203000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operation_templates (
        name text NOT NULL,
        version integer NOT NULL,
        operation_type text NOT NULL,
        description text NOT NULL,
        fixed jsonb NOT NULL,
        constraints jsonb NOT NULL,
        approval_policy text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT operation_templates_pkey PRIMARY KEY (name, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE operation_templates');
  }
}
