import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The MT server registry. Credentials are stored as a reference (env:NAME), never the secret itself. */
@Entity({ name: 'mt_servers' })
@Check('mt_servers_platform_check', "platform IN ('mt5', 'mt4')")
@Check('mt_servers_max_connections_check', 'max_connections > 0')
@Check('mt_servers_request_timeout_ms_check', 'request_timeout_ms > 0')
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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
