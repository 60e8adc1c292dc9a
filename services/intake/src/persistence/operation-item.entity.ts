import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ItemOutcome } from '../domain/operation-status';

@Entity({ name: 'operation_items' })
@Index('operation_items_operation_idx', ['operationId', 'rowNumber'])
export class OperationItemRow {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'row_number', type: 'integer' })
  rowNumber!: number;

  @Column({ name: 'server_id', type: 'text' })
  serverId!: string;

  /** OperationItemSpec as proto JSON. */
  @Column({ type: 'jsonb' })
  spec!: object;

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
