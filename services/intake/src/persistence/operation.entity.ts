import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { OperationStatus } from '../domain/operation-status';

@Entity({ name: 'operations' })
@Unique('operations_submitter_request_key', ['submittedBy', 'clientRequestId'])
// ListOperations pages newest first by (created_at, operation_id); the index serves that order read backwards.
@Index('operations_created_idx', ['createdAt', 'operationId'])
// The scheduler looks for SCHEDULED operations whose time has come.
@Index('operations_scheduled_idx', ['status', 'notBefore'])
// One revert of an operation at a time (reverts that ended without applying anything do not count).
@Index('operations_one_revert_idx', ['revertsOperationId'], { unique: true, where: `status NOT IN ('FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED', 'INVALID')` })
export class OperationRow {
  @PrimaryColumn({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'client_request_id', type: 'text' })
  clientRequestId!: string;

  /** SHA-256 of the canonical request: a repeat with a different payload under the same id is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  /** Keycloak subject of the submitter; idempotency keys are scoped to it. */
  @Column({ name: 'submitted_by', type: 'text' })
  submittedBy!: string;

  @Column({ name: 'submitted_by_username', type: 'text' })
  submittedByUsername!: string;

  @Column({ name: 'operation_type', type: 'text' })
  operationType!: string;

  @Column({ type: 'text' })
  status!: OperationStatus;

  /** Roll-out options as approvals bind them (canonical JSON; "" for the defaults). */
  @Column({ name: 'execution_options', type: 'text', default: '' })
  executionOptions!: string;

  @Column({ name: 'plan_digest', type: 'text' })
  planDigest!: string;

  @Column({ name: 'decision_id', type: 'text' })
  decisionId!: string;

  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  /** BatchOptions as proto JSON; null when submitted without options. */
  @Column({ type: 'jsonb', nullable: true })
  options!: object | null;

  /** The template applied, "name@version"; null when none. */
  @Column({ type: 'text', nullable: true })
  template!: string | null;

  /** The reason of the last transition: a policy asking for approval, a halted roll-out, a cancellation's reason. */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  /** Scheduled execution: not sent before this time (options.not_before); null to run once approved. */
  @Column({ name: 'not_before', type: 'timestamptz', nullable: true })
  notBefore!: Date | null;

  /** For an operation.revert, the operation it restores. */
  @Column({ name: 'reverts_operation_id', type: 'uuid', nullable: true })
  revertsOperationId!: string | null;

  @ManyToOne(() => OperationRow, { onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'reverts_operation_id', foreignKeyConstraintName: 'operations_reverts_operation_id_fkey' })
  revertsOperation?: OperationRow;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
