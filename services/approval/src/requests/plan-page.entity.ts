import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One page of a large plan (OperationPlanPage), kept until its operation's OperationSubmitted assembles the plan. */
@Entity({ name: 'approval_plan_pages' })
export class PlanPageRow {
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @PrimaryColumn({ name: 'page_number', type: 'integer' })
  pageNumber!: number;

  /** ItemPlan[] as proto JSON, in row order. */
  @Column({ type: 'jsonb' })
  items!: object[];
}
