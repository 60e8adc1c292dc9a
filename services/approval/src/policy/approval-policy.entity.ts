import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'approval_policies' })
@Check('approval_policies_mode_check', "mode IN ('AUTO', 'MANUAL')")
@Check('approval_policies_required_approvals_check', 'required_approvals >= 0')
@Check('approval_policies_max_accounts_check', 'max_accounts > 0')
@Check('approval_policies_ttl_seconds_check', 'ttl_seconds > 0')
@Check('approval_policies_mode_quorum_check', "(mode = 'AUTO' AND required_approvals = 0) OR (mode = 'MANUAL' AND required_approvals > 0)")
export class ApprovalPolicyRow {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'operation_type_pattern', type: 'text' })
  operationTypePattern!: string;

  @Column({ type: 'text' })
  mode!: 'AUTO' | 'MANUAL';

  @Column({ name: 'required_approvals', type: 'integer' })
  requiredApprovals!: number;

  @Column({ name: 'max_total_per_currency', type: 'numeric', precision: 30, scale: 8, nullable: true })
  maxTotalPerCurrency!: string | null;

  @Column({ type: 'integer' })
  priority!: number;

  /** Server registry ids (glob) the policy covers; every item's server must match. */
  @Column({ name: 'server_pattern', type: 'text', default: '*' })
  serverPattern!: string;

  /** Registry tags; when set, every item's server must carry one of them. */
  @Column({ name: 'server_tags', type: 'text', array: true, default: '{}' })
  serverTags!: string[];

  /** MT group masks; when set, every item must touch a group matching one of them. */
  @Column({ name: 'group_masks', type: 'text', array: true, default: '{}' })
  groupMasks!: string[];

  /** The policy applies while the plan touches at most this many accounts (null: any number). */
  @Column({ name: 'max_accounts', type: 'integer', nullable: true })
  maxAccounts!: number | null;

  /** An approver must hold one of these roles (empty: any role with the approve permission). */
  @Column({ name: 'approver_roles', type: 'text', array: true, default: '{}' })
  approverRoles!: string[];

  /** How long a request waits for its approvals (null: the service's default). */
  @Column({ name: 'ttl_seconds', type: 'integer', nullable: true })
  ttlSeconds!: number | null;
}
