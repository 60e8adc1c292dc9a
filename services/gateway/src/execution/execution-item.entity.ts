import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';

export type ExecutionStatus = 'PENDING' | 'IN_PROGRESS' | 'APPLIED' | 'FAILED' | 'DRIFTED' | 'REJECTED';

/**
 * The execution ledger: one row per approved item, written before anything is sent to the server. Its status and
 * attempt count survive crashes; the execution token (deal comment) lets a retry find an earlier attempt's effect.
 */
@Entity({ name: 'execution_items' })
@Check('execution_items_status_check', "status IN ('PENDING', 'IN_PROGRESS', 'APPLIED', 'FAILED', 'DRIFTED', 'REJECTED')")
@Unique('execution_items_token_key', ['executionToken'])
@Index('execution_items_open_idx', ['status', 'createdAt'])
@Index('execution_items_seq_key', ['seq'], { unique: true })
@Index('execution_items_account_open_idx', ['serverId', 'accountKey', 'seq'], { where: "status IN ('PENDING', 'IN_PROGRESS')" })
@Index('execution_items_partition_open_idx', ['kafkaPartition', 'seq'], { where: "status IN ('PENDING', 'IN_PROGRESS')" })
export class ExecutionItemRow {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  /** Arrival order; with account_key it keeps each account's changes in the order they were approved. */
  @Column({ type: 'bigint', generated: 'increment' })
  seq!: string;

  /** What the item changes (a login, "group:<path>", "symbol:<name>"); items with one key never run concurrently. */
  @Column({ name: 'account_key', type: 'text' })
  accountKey!: string;

  @Column({ name: 'server_id', type: 'text' })
  serverId!: string;

  /** The execution-commands partition the item arrived on: only the instance holding it executes the item. */
  @Column({ name: 'kafka_partition', type: 'integer', nullable: true })
  kafkaPartition!: number | null;

  @Column({ name: 'operation_type', type: 'text' })
  operationType!: string;

  @Column({ name: 'plan_digest', type: 'text' })
  planDigest!: string;

  /** The approved item plan (ItemPlan as proto JSON). */
  @Column({ type: 'jsonb' })
  plan!: Record<string, unknown>;

  @Column({ name: 'execution_token', type: 'text' })
  executionToken!: string;

  /** Keycloak subject of the operation's submitter (who may claim generated passwords). */
  @Column({ name: 'submitted_by', type: 'text', default: '' })
  submittedBy!: string;

  /** Trace of the operation, so execution spans join it. */
  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ type: 'text' })
  status!: ExecutionStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'mt_reference', type: 'text', nullable: true })
  mtReference!: string | null;

  @Column({ name: 'mt_retcode', type: 'text', nullable: true })
  mtRetcode!: string | null;

  @Column({ name: 'live_before', type: 'jsonb', nullable: true })
  liveBefore!: Record<string, string> | null;

  @Column({ name: 'live_after', type: 'jsonb', nullable: true })
  liveAfter!: Record<string, string> | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** Not retried before this time (backoff after an unconfirmed attempt). */
  @Column({ name: 'not_before', type: 'timestamptz', nullable: true })
  notBefore!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
