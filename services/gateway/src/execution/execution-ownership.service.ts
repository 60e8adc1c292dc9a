import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { LockSession } from '../coordination/lock-session';
import { ServerRegistryService } from '../registry/server-registry.service';
import { assignmentChanges, partitionOfServer } from './partition-rules';

/** Partitions of the execution-commands topic (commands are keyed by server id, so a server lives in one). */
export const EXECUTION_PARTITIONS = 12;

/** The advisory-lock namespace of the execution partitions (one per gateway schema, so deployments sharing a database do not meet). */
export function executionPartitionNamespace(schema: string): string {
  return `${schema}:execution-partition`;
}

const RECONCILE_EVERY_MS = 500;

/**
 * Which execution partitions this instance may execute, and so which servers' execution traffic it carries.
 *
 * Kafka's assignment says who should own a partition, but kafkajs 2.2 rebalances eagerly and tells a member only after
 * the new assignment is in place (GROUP_JOIN): there is no revoke callback that runs before another member starts, and
 * a member that stalls or crashes learns of its loss late or never. So the assignment alone cannot keep two instances
 * off one server. The fence is a session advisory lock per partition on the instance's LockSession: an instance
 * executes a partition's ledger items only while it holds that lock. On losing a partition it stops claiming its items,
 * lets the items in flight finish, closes the servers' pools and only then unlocks; the new owner keeps trying the lock
 * until then. A SIGKILLed instance's locks go with its PostgreSQL connection; the new owner then sends the items it
 * left IN_PROGRESS back to PENDING (after a grace period), and the executor settles them through the deal history
 * before anything is sent again.
 */
@Injectable()
export class ExecutionOwnership {
  private readonly logger = new Logger(ExecutionOwnership.name);
  private assigned = new Set<number>();
  /** Partition -> generation of the lock session its lock was taken in. */
  private readonly held = new Map<number, number>();
  private readonly inFlight = new Map<number, number>();
  private readonly serversOf = new Map<number, Set<string>>();
  private claiming = 0;
  private reconciling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly gainedListeners = new Set<() => void>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly locks: LockSession,
    private readonly registry: ServerRegistryService,
  ) {
    // A server's pool keeps warm sessions only in the server's home: the instance holding its partition (reads are
    // sent there too), or where its items were claimed.
    registry.keepWarmWhere((serverId) => this.holdsPartitionOf(serverId) || this.executedServers().includes(serverId));
    locks.onLost(() => {
      // Every partition lock went with the session: claim nothing more until they are taken again.
      this.logger.error(`execution partitions ${[...this.held.keys()].join(', ') || '(none)'} lost with the lock session`);
      this.held.clear();
    });
  }

  private get namespace(): string {
    return executionPartitionNamespace(this.config.database.schema);
  }

  /** This instance holds the execution partition of the server's commands now. */
  holdsPartitionOf(serverId: string): boolean {
    return this.held.has(partitionOfServer(serverId, EXECUTION_PARTITIONS));
  }

  /** The partitions Kafka assigned to this instance after a rebalance (the whole assignment, eager protocol). */
  assign(partitions: readonly number[]): void {
    this.assigned = new Set(partitions);
    this.logger.log(`assigned execution partitions: ${[...this.assigned].sort((a, b) => a - b).join(', ') || '(none)'}`);
    this.start();
    this.reconcileSoon();
  }

  /** The consumer crashed or stopped: this instance may be assigned nothing now. */
  revokeAll(): void {
    this.assigned = new Set();
    this.reconcileSoon();
  }

  onGained(listener: () => void): void {
    this.gainedListeners.add(listener);
  }

  /** Partitions held now (for metrics and tests). */
  heldPartitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** Servers whose items this instance has claimed in the partitions it holds: the servers it executes now. */
  executedServers(): string[] {
    return [...new Set([...this.held.keys()].flatMap((partition) => [...(this.serversOf.get(partition) ?? [])]))].sort();
  }

  /**
   * Runs a claim of ledger items restricted to the partitions held now. A partition being let go waits for claims that
   * started before, so an item claimed here is tracked before its partition can be unlocked.
   */
  async withClaim<T>(claim: (partitions: number[]) => Promise<T>): Promise<T> {
    this.claiming += 1;
    try {
      return await claim([...this.held.keys()]);
    } finally {
      this.claiming -= 1;
    }
  }

  /** Marks an item of `partition` in flight on `serverId`; call the result when its outcome is recorded. */
  track(partition: number, serverId: string): () => void {
    this.inFlight.set(partition, (this.inFlight.get(partition) ?? 0) + 1);
    const servers = this.serversOf.get(partition) ?? new Set<string>();
    servers.add(serverId);
    this.serversOf.set(partition, servers);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight.set(partition, (this.inFlight.get(partition) ?? 1) - 1);
    };
  }

  /** Graceful shutdown (after the executors stopped): lets go of every partition, closing their servers' pools. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    for (const partition of [...this.held.keys()]) await this.release(partition);
  }

  private start(): void {
    if (this.timer || this.closed) return;
    // Partitions whose lock the previous owner still holds (it is draining them) are tried again until taken.
    this.timer = setInterval(() => this.reconcileSoon(), RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  private reconcileSoon(): void {
    if (this.reconciling || this.closed) return;
    this.reconciling = this.reconcile()
      .catch((error: unknown) => this.logger.error(`execution partitions: ${String(error)}`))
      .finally(() => {
        this.reconciling = undefined;
      });
  }

  private async reconcile(): Promise<void> {
    const { lost, gained } = assignmentChanges(this.assigned, new Set(this.held.keys()));
    for (const partition of lost) await this.release(partition);
    for (const partition of gained) {
      if (this.closed || !this.assigned.has(partition)) continue;
      await this.take(partition);
    }
  }

  private async release(partition: number): Promise<void> {
    const generation = this.held.get(partition);
    if (generation === undefined) return;
    this.held.delete(partition);
    // No new claims include it now; wait for the claims already running and the items already in flight.
    while (this.claiming > 0 || (this.inFlight.get(partition) ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const stillUsed = new Set([...this.held.keys()].flatMap((held) => [...(this.serversOf.get(held) ?? [])]));
    const servers = [...(this.serversOf.get(partition) ?? [])].filter((serverId) => !stillUsed.has(serverId));
    this.serversOf.delete(partition);
    // Their connections close before the lock goes, so the next owner never finds them still open.
    for (const serverId of servers) await this.registry.closeServer(serverId);
    await this.locks.unlock(this.namespace, partition, generation);
    this.logger.log(`released execution partition ${partition}${servers.length ? ` (closed ${servers.join(', ')})` : ''}`);
  }

  private async take(partition: number): Promise<void> {
    // Items of this partition an earlier holding of ours left in flight (lock session lost) must finish first.
    if ((this.inFlight.get(partition) ?? 0) > 0) return;
    const { locked, generation } = await this.locks.tryLock(this.namespace, partition);
    if (!locked) return;
    if (!this.assigned.has(partition) || this.closed) {
      await this.locks.unlock(this.namespace, partition, generation);
      return;
    }
    let resumed: number;
    try {
      resumed = await this.resume(partition);
    } catch (error) {
      // Not held after all: a lock kept here would be taken again on the next try (re-entrant) and never fully let go.
      await this.locks.unlock(this.namespace, partition, generation);
      throw error;
    }
    if (generation !== this.locks.generation) return;
    this.held.set(partition, generation);
    this.logger.log(`took execution partition ${partition}${resumed ? `, resuming ${resumed} item(s) left in progress` : ''}`);
    for (const listener of this.gainedListeners) listener();
  }

  private async resume(partition: number): Promise<number> {
    await this.adoptLegacyItems(partition);
    // Whoever held it before is gone or let go after its items finished: what is still IN_PROGRESS was cut off mid-call.
    // The grace lets a call still on the wire land before the deal history is read.
    const [, resumed] = (await this.dataSource.query(
      `UPDATE execution_items
          SET status = 'PENDING', not_before = now() + make_interval(secs => $2::double precision / 1000),
              error_message = 'resumed after its gateway was lost: checking deal history first', updated_at = now()
        WHERE status = 'IN_PROGRESS' AND kafka_partition = $1`,
      [partition, this.config.execution.takeoverGraceMs],
    )) as [unknown, number];
    return resumed;
  }

  /** Ledger rows written before the ledger recorded partitions get the one their server's commands use. */
  private async adoptLegacyItems(partition: number): Promise<void> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT server_id FROM execution_items WHERE kafka_partition IS NULL AND status IN ('PENDING', 'IN_PROGRESS')`,
    )) as { server_id: string }[];
    const servers = rows.map((row) => row.server_id).filter((serverId) => partitionOfServer(serverId, EXECUTION_PARTITIONS) === partition);
    if (servers.length === 0) return;
    await this.dataSource.query(`UPDATE execution_items SET kafka_partition = $1 WHERE kafka_partition IS NULL AND server_id = ANY($2::text[])`, [partition, servers]);
  }
}
