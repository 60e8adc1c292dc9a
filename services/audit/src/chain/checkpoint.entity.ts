import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signed statement that the chain up to `sequence` ends in `headHash` (see checkpoint.ts). */
@Entity({ name: 'audit_checkpoints' })
export class AuditCheckpointRow {
  @PrimaryColumn({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'head_hash', type: 'text' })
  headHash!: string;

  /** ISO 8601 as signed (text, so that what is verified is exactly what was signed). */
  @Column({ name: 'signed_at', type: 'text' })
  signedAt!: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  signature!: string;
}
