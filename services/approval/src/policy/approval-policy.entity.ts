import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'approval_policies' })
@Check('approval_policies_mode_check', "mode IN ('AUTO', 'MANUAL')")
@Check('approval_policies_required_approvals_check', 'required_approvals >= 0')
@Check('approval_policies_mode_quorum_check', "(mode = 'AUTO' AND required_approvals = 0) OR (mode = 'MANUAL' AND required_approvals > 0)")
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
