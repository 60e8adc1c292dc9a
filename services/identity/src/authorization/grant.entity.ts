import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { Action } from './grant';

@Entity({ name: 'grants' })
@Check('grants_action_check', "action IN ('submit', 'approve', 'view', 'cancel', 'admin')")
@Check('grants_server_scope_check', "server_pattern <> '' OR cardinality(server_tags) > 0")
@Unique('grants_role_action_scope_key', ['role', 'action', 'operationTypePattern', 'serverPattern', 'serverTags', 'groupMasks'])
export class GrantRow {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text' })
  action!: Action;

  @Column({ name: 'operation_type_pattern', type: 'text' })
  operationTypePattern!: string;

  /** Server id or glob; "" when the grant reaches servers by tag only. */
  @Column({ name: 'server_pattern', type: 'text' })
  serverPattern!: string;

  /** Servers carrying any of these registry tags are in scope too. */
  @Column({ name: 'server_tags', type: 'text', array: true, default: '{}' })
  serverTags!: string[];

  /** MT group masks ("real*", "!real\vip*"); empty: every group. */
  @Column({ name: 'group_masks', type: 'text', array: true, default: '{}' })
  groupMasks!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
