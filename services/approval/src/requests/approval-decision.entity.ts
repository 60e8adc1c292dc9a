import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** One person's decision on one approval request; an approver appears once per request. */
@Entity({ name: 'approval_decisions' })
@Check('approval_decisions_decision_check', "decision IN ('APPROVED', 'REJECTED')")
export class ApprovalDecisionRow {
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @PrimaryColumn({ name: 'decided_by', type: 'text' })
  decidedBy!: string;

  /** The approver as the token showed them (commonV1.Actor as JSON). */
  @Column({ type: 'jsonb' })
  actor!: object;

  @Column({ type: 'text' })
  decision!: 'APPROVED' | 'REJECTED';

  @Column({ name: 'plan_digest', type: 'text' })
  planDigest!: string;

  /** Comment of an approval, reason of a rejection. */
  @Column({ type: 'text' })
  note!: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  /** Subject of the delegator when the decision was taken under a delegation; null otherwise. */
  @Column({ name: 'on_behalf_of', type: 'text', nullable: true })
  onBehalfOf!: string | null;

  @Column({ name: 'on_behalf_of_username', type: 'text', nullable: true })
  onBehalfOfUsername!: string | null;
}
