import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Action } from './authorization-policy';

@Entity({ name: 'grants' })
@Unique('grants_role_action_scope_key', ['role', 'action', 'operationTypePattern', 'serverPattern'])
export class GrantRow {
  @PrimaryGeneratedColumn('uuid')
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
