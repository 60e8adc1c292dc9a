import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One user's approve permission lent to another for a bounded time. */
@Entity({ name: 'approval_delegations' })
@Check('approval_delegations_period_check', 'valid_until > valid_from')
@Index('approval_delegations_delegate_idx', ['delegateUsername', 'validUntil'])
export class ApprovalDelegationRow {
  @PrimaryColumn({ name: 'delegation_id', type: 'uuid' })
  delegationId!: string;

  @Column({ name: 'delegator_subject', type: 'text' })
  delegatorSubject!: string;

  @Column({ name: 'delegator_username', type: 'text' })
  delegatorUsername!: string;

  /** The delegator as their token showed them when delegating (commonV1.Actor JSON): the authority the delegate uses. */
  @Column({ name: 'delegator_actor', type: 'jsonb' })
  delegatorActor!: object;

  @Column({ name: 'delegate_username', type: 'text' })
  delegateUsername!: string;

  @Column({ name: 'operation_type_pattern', type: 'text' })
  operationTypePattern!: string;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz' })
  validUntil!: Date;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
