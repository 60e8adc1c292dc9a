import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ApprovalState } from './approval-request';

@Entity({ name: 'approval_requests' })
@Check('approval_requests_state_check', "state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED')")
// The expiry sweep looks for pending requests past their time; ListPending pages pending requests oldest first.
@Index('approval_requests_state_expiry_idx', ['state', 'expiresAt'])
@Index('approval_requests_state_created_idx', ['state', 'createdAt', 'operationId'])
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

  /** When a pending request expires; null for requests decided at once. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'server_ids', type: 'text', array: true, default: '{}' })
  serverIds!: string[];

  @Column({ name: 'item_count', type: 'integer', default: 0 })
  itemCount!: number;

  @Column({ name: 'account_count', type: 'integer', default: 0 })
  accountCount!: number;

  /** Money moved per currency: [{ amount, currency }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  totals!: { amount: string; currency: string }[];

  @Column({ name: 'warning_count', type: 'integer', default: 0 })
  warningCount!: number;

  /** Roles an approver must hold one of (empty: any role with the approve permission). */
  @Column({ name: 'approver_roles', type: 'text', array: true, default: '{}' })
  approverRoles!: string[];

  @Column({ name: 'submitted_by_username', type: 'text', default: '' })
  submittedByUsername!: string;

  /** Why it is no longer pending: a rejection's reason, an expiry, a cancellation. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}
