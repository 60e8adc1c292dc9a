import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { GrantRow } from './grant.entity';

/**
 * A grant's limits in one currency; a null bound is unbounded. Four fraction digits at most, because Cedar's decimal
 * has four: a limit is compared exactly, never rounded.
 */
@Entity({ name: 'grant_limits' })
@Check('grant_limits_currency_check', "currency ~ '^[A-Z]{3}$'")
@Check('grant_limits_bounds_check', 'max_per_item >= 0 AND max_per_operation >= 0 AND max_per_user_day >= 0')
export class GrantLimitRow {
  @PrimaryColumn({ name: 'grant_id', type: 'uuid', primaryKeyConstraintName: 'grant_limits_pkey' })
  grantId!: string;

  @ManyToOne(() => GrantRow, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'grant_id', foreignKeyConstraintName: 'grant_limits_grant_id_fkey' })
  grant?: GrantRow;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'grant_limits_pkey' })
  currency!: string;

  // numeric comes back from pg as a string: amounts never pass through a float.
  @Column({ name: 'max_per_item', type: 'numeric', precision: 18, scale: 4, nullable: true })
  maxPerItem!: string | null;

  @Column({ name: 'max_per_operation', type: 'numeric', precision: 18, scale: 4, nullable: true })
  maxPerOperation!: string | null;

  @Column({ name: 'max_per_user_day', type: 'numeric', precision: 18, scale: 4, nullable: true })
  maxPerUserDay!: string | null;
}
