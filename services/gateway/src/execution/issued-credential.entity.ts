import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Passwords the gateway generated for an item (account.create, account.reset_password), sealed with AES-256-GCM until
 * the submitter collects them once. Written before anything is sent to the server, so that a retry sets the same
 * passwords; erased (sealed = null) when claimed or expired.
 */
@Entity({ name: 'issued_credentials' })
@Index('issued_credentials_expires_idx', ['expiresAt'], { where: 'sealed IS NOT NULL' })
export class IssuedCredentialRow {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId!: string;

  @Column({ name: 'server_id', type: 'text' })
  serverId!: string;

  /** The account's login; for a new account, known once the server has allocated it. */
  @Column({ type: 'text', nullable: true })
  login!: string | null;

  /** Which passwords: main, investor. */
  @Column({ type: 'text', array: true })
  kinds!: string[];

  /** IV, GCM tag and ciphertext of the passwords (JSON), bound to the item id; null once claimed or expired. */
  @Column({ type: 'bytea', nullable: true })
  sealed!: Buffer | null;

  /** Keycloak subject of the submitter, the one caller who may claim them. */
  @Column({ name: 'submitted_by', type: 'text' })
  submittedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;
}
