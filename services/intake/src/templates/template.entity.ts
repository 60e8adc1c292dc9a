import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One version of an operation template. Rows are never updated: saving a template adds its next version. */
@Entity({ name: 'operation_templates' })
export class TemplateRow {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'operation_templates_pkey' })
  name!: string;

  // Racing saves of one name compute the same next version; the primary key lets only one of them in.
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'operation_templates_pkey' })
  version!: number;

  @Column({ name: 'operation_type', type: 'text' })
  operationType!: string;

  @Column({ type: 'text' })
  description!: string;

  /** The fixed values as OperationItemSpec proto JSON ({} when the template fixes nothing). */
  @Column({ type: 'jsonb' })
  fixed!: object;

  /** TemplateConstraints proto JSON ({} when none). */
  @Column({ type: 'jsonb' })
  constraints!: object;

  @Column({ name: 'approval_policy', type: 'text' })
  approvalPolicy!: string;

  /** Username of the admin who saved this version. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
