import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ApprovalState } from './approval-request';

@Entity({ name: 'approval_requests' })
@Check('approval_requests_state_check', "state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED')")
export class ApprovalRequestRow {
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'operation_type', type: 'text' })
  operationType!: string;

  @Column({ name: 'plan_digest', type: 'text' })
  planDigest!: string;

  /** The plan the approver sees (OperationPlan as proto JSON). */
  @Column({ type: 'jsonb' })
  plan!: object;

  @Column({ name: 'policy_name', type: 'text' })
  policyName!: string;

  @Column({ name: 'required_approvals', type: 'integer' })
  requiredApprovals!: number;

  @Column({ type: 'text' })
  state!: ApprovalState;

  @Column({ name: 'auto_approved', type: 'boolean' })
  autoApproved!: boolean;

  @Column({ name: 'submitted_by', type: 'text' })
  submittedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;
}
