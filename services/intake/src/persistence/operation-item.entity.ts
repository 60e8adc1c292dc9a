import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OperationRow } from './operation.entity';
import type { ItemOutcome } from '../domain/operation-status';

@Entity({ name: 'operation_items' })
@Check('operation_items_status_check', "status IN ('PENDING', 'APPLIED', 'FAILED', 'DRIFTED', 'REJECTED', 'SKIPPED')")
@Index('operation_items_operation_idx', ['operationId', 'rowNumber'])
// ListOperations' server filter asks, per operation, whether any item is on a server.
@Index('operation_items_operation_server_idx', ['operationId', 'serverId'])
@Index('operation_items_operation_status_idx', ['operationId', 'status'])
export class OperationItemRow {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @ManyToOne(() => OperationRow, { onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'operation_id', foreignKeyConstraintName: 'operation_items_operation_id_fkey' })
  operation?: OperationRow;

  @Column({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  /** When the item was sent to the gateway; null while it waits for its stage of the roll-out. */
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ name: 'server_id', type: 'text' })
  serverId!: string;

  /** OperationItemSpec as proto JSON. */
  @Column({ type: 'jsonb' })
  spec!: object;

  /** The MtChange the gateway applies, as proto JSON. */
  @Column({ type: 'jsonb' })
  change!: object;

  /** The MtChange that would restore the before-state; null when the type cannot be reverted. */
  @Column({ type: 'jsonb', nullable: true })
  revert!: object | null;

  /** ItemIssue[] found by live validation and shown to the approver. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  warnings!: { field: string; code: string; message: string }[];

  @Column({ type: 'jsonb' })
  before!: Record<string, string>;

  @Column({ type: 'jsonb' })
  after!: Record<string, string>;

  @Column({ type: 'text' })
  status!: ItemOutcome;

  @Column({ name: 'mt_reference', type: 'text', nullable: true })
  mtReference!: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
