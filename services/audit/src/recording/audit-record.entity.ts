import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** One audit record per domain event. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_records' })
@Unique('audit_records_event_id_key', ['eventId'])
@Index('audit_records_operation_idx', ['operationId', 'sequence'])
export class AuditRecordRow {
  @PrimaryColumn({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** ISO-8601 time the event happened, as hashed. */
  @Column({ name: 'occurred_at', type: 'text' })
  occurredAt!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'actor_subject', type: 'text' })
  actorSubject!: string;

  @Column({ name: 'actor_username', type: 'text' })
  actorUsername!: string;

  @Column({ name: 'actor_roles', type: 'text', array: true })
  actorRoles!: string[];

  @Column({ name: 'actor_client', type: 'text' })
  actorClient!: string;

  @Column({ name: 'operation_id', type: 'text' })
  operationId!: string;

  @Column({ name: 'server_id', type: 'text' })
  serverId!: string;

  @Column({ name: 'trace_id', type: 'text' })
  traceId!: string;

  @Column({ type: 'jsonb' })
  details!: object;

  /** The MT account logins the details name (accountsNamedIn), for querying; derived, so outside the hash. */
  @Index('audit_records_accounts_idx', { synchronize: false })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  accounts!: string[];

  @Column({ name: 'previous_hash', type: 'text' })
  previousHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
