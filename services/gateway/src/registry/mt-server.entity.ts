import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The MT server registry. Credentials are stored as a reference (env:NAME), never the secret itself. */
@Entity({ name: 'mt_servers' })
@Check('mt_servers_platform_check', "platform IN ('mt5', 'mt4')")
@Check('mt_servers_max_connections_check', 'max_connections > 0')
@Check('mt_servers_request_timeout_ms_check', 'request_timeout_ms > 0')
@Check('mt_servers_pool_check', 'min_idle >= 0 AND min_idle <= max_connections AND requests_per_second > 0 AND acquire_timeout_ms > 0')
export class MtServerRow {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  platform!: 'mt5' | 'mt4';

  @Column({ type: 'text' })
  address!: string;

  @Column({ name: 'manager_login', type: 'text' })
  managerLogin!: string;

  @Column({ name: 'password_ref', type: 'text' })
  passwordRef!: string;

  @Column({ type: 'text', array: true })
  tags!: string[];

  @Column({ name: 'max_connections', type: 'integer' })
  maxConnections!: number;

  @Column({ name: 'request_timeout_ms', type: 'integer' })
  requestTimeoutMs!: number;

  @Column({ name: 'min_idle', type: 'integer' })
  minIdle!: number;

  @Column({ name: 'requests_per_second', type: 'integer' })
  requestsPerSecond!: number;

  @Column({ name: 'acquire_timeout_ms', type: 'integer' })
  acquireTimeoutMs!: number;

  /** Path of a PEM file (on the gateway's host) holding the CA or self-signed certificate to trust. */
  @Column({ name: 'tls_ca_file', type: 'text', nullable: true })
  tlsCaFile!: string | null;

  @Column({ name: 'tls_pinned_sha256', type: 'text', nullable: true })
  tlsPinnedSha256!: string | null;

  @Column({ name: 'allow_plain_http', type: 'boolean' })
  allowPlainHttp!: boolean;

  /** False once an administrator took the server out of service; nothing is sent to it then. */
  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
