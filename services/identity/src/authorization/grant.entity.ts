import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { Action } from './authorization-policy';

@Entity({ name: 'grants' })
@Check('grants_action_check', "action IN ('submit', 'approve', 'view', 'cancel', 'admin')")
@Unique('grants_role_action_scope_key', ['role', 'action', 'operationTypePattern', 'serverPattern'])
export class GrantRow {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text' })
  action!: Action;

  @Column({ name: 'operation_type_pattern', type: 'text' })
  operationTypePattern!: string;

  @Column({ name: 'server_pattern', type: 'text' })
  serverPattern!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
