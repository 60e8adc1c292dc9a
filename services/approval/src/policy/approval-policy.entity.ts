import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'approval_policies' })
export class ApprovalPolicyRow {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'operation_type_pattern', type: 'text' })
  operationTypePattern!: string;

  @Column({ type: 'text' })
  mode!: 'AUTO' | 'MANUAL';

  @Column({ name: 'required_approvals', type: 'integer' })
  requiredApprovals!: number;

  @Column({ name: 'max_total_per_currency', type: 'numeric', precision: 30, scale: 8, nullable: true })
  maxTotalPerCurrency!: string | null;

  @Column({ type: 'integer' })
  priority!: number;
}
