import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { EXECUTION_PARTITIONS, executionPartitionNamespace } from '../execution/execution-ownership.service';
import { partitionOfServer } from '../execution/partition-rules';
import { addressInLockSessionName } from './read-routing';

/** A holder looked up this recently is used again: a read should not cost a query, and a stale answer is safe. */
const REMEMBER_MS = 1000;

/**
 * Which instance holds a server's execution partition, read from PostgreSQL: the session holding the partition's
 * advisory lock (pg_locks) and its name, which carries the holder's advertised address (pg_stat_activity). The lock and
 * the name live and die with that one connection, so a crashed instance is never named. Only sessions of the gateway's
 * own role count: any role of the database can take an advisory lock and name its session.
 */
@Injectable()
export class ExecutionHolders {
  private readonly remembered = new Map<number, { holder: string | undefined; at: number }>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The advertised address of the instance executing the server now, or undefined when none holds its partition. */
  async holderOf(serverId: string): Promise<string | undefined> {
    const partition = partitionOfServer(serverId, EXECUTION_PARTITIONS);
    const known = this.remembered.get(partition);
    if (known && Date.now() - known.at < REMEMBER_MS) return known.holder;
    const rows = (await this.dataSource.query(
      `SELECT a.application_name
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND a.usename = current_user
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::text::bigint = (hashtext($1)::bigint & 4294967295)
          AND l.objid::text::bigint = $2`,
      [executionPartitionNamespace(this.config.database.schema), partition],
    )) as { application_name: string }[];
    const holder = rows.length === 1 ? addressInLockSessionName(rows[0]!.application_name) : undefined;
    this.remembered.set(partition, { holder, at: Date.now() });
    return holder;
  }
}
