import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Approval's projection of the gateway's server registry: the tags of each server, for policies scoped by tag. Fed by
 * ServerRegistryChanged events only (approval never reads the gateway's tables).
 */
@Entity({ name: 'server_tags' })
export class ServerTagsRow {
  @PrimaryColumn({ name: 'server_id', type: 'text' })
  serverId!: string;

  @Column({ type: 'text', array: true })
  tags!: string[];

  /** When the registry changed (the event's time): an older event arriving late does not undo a newer one. */
  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;
}
