import type { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config';
import type { LockSession } from '../coordination/lock-session';
import type { ServerRegistryService } from '../registry/server-registry.service';
import { ExecutionOwnership } from './execution-ownership.service';

/** Partition locks as PostgreSQL keeps them: one holder per key across "instances" (fake sessions). */
class FakeLocks {
  static readonly holders = new Map<number, FakeLocks>();
  generation = 1;
  private lost: (() => void) | undefined;
  onLost(listener: () => void) {
    this.lost = listener;
    return () => undefined;
  }
  tryLock(_namespace: string, key: number) {
    const holder = FakeLocks.holders.get(key);
    if (holder && holder !== this) return Promise.resolve({ locked: false, generation: this.generation });
    FakeLocks.holders.set(key, this);
    return Promise.resolve({ locked: true, generation: this.generation });
  }
  unlock(_namespace: string, key: number) {
    if (FakeLocks.holders.get(key) === this) FakeLocks.holders.delete(key);
    return Promise.resolve();
  }
  die() {
    for (const [key, holder] of FakeLocks.holders) if (holder === this) FakeLocks.holders.delete(key);
    this.generation += 1;
    this.lost?.();
  }
}

const config = { database: { schema: 'gateway' }, execution: { takeoverGraceMs: 1000 } } as unknown as GatewayConfig;
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

function instance() {
  const locks = new FakeLocks();
  const query = jest.fn((sql: string) => Promise.resolve(sql.startsWith('SELECT') ? [] : [[], 0]));
  const closeServer = jest.fn(() => Promise.resolve());
  const ownership = new ExecutionOwnership(
    { query } as unknown as DataSource,
    config,
    locks as unknown as LockSession,
    { closeServer, keepWarmWhere: () => undefined } as unknown as ServerRegistryService,
  );
  return { ownership, locks, query, closeServer };
}

describe('ExecutionOwnership', () => {
  const running: ExecutionOwnership[] = [];
  const start = () => {
    const made = instance();
    running.push(made.ownership);
    return made;
  };

  afterEach(async () => {
    for (const ownership of running.splice(0)) await ownership.close();
    FakeLocks.holders.clear();
  });

  it('holds what Kafka assigned once it has the lock, and resumes the items left in progress there', async () => {
    const a = start();
    a.ownership.assign([1, 7]);
    await settle();
    expect(a.ownership.heldPartitions()).toEqual([1, 7]);
    const resumes = a.query.mock.calls.filter(([sql]) => sql.includes("SET status = 'PENDING'"));
    expect(resumes).toHaveLength(2);
  });

  it('waits for the previous holder before executing a partition it was given', async () => {
    const a = start();
    const b = start();
    a.ownership.assign([1]);
    await settle();
    // The rebalance reached b first: a still holds partition 1 and has an item of it in flight.
    const done = await a.ownership.withClaim(() => Promise.resolve(a.ownership.track(1, 'mt5-demo-1')));
    expect(a.ownership.executedServers()).toEqual(['mt5-demo-1']);
    b.ownership.assign([1]);
    a.ownership.assign([]);
    await settle();
    expect(b.ownership.heldPartitions()).toEqual([]);
    expect(a.ownership.heldPartitions()).toEqual([]);
    expect(a.closeServer).not.toHaveBeenCalled();
    // a's item finishes: a closes the server's pool, then unlocks; b takes the partition at its next try.
    done();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(a.closeServer).toHaveBeenCalledWith('mt5-demo-1');
    expect(a.ownership.executedServers()).toEqual([]);
    expect(b.ownership.heldPartitions()).toEqual([1]);
  });

  it('claims only in the partitions held, none while it holds nothing', async () => {
    const a = start();
    expect(await a.ownership.withClaim((partitions) => Promise.resolve(partitions))).toEqual([]);
    a.ownership.assign([3, 4]);
    await settle();
    expect(await a.ownership.withClaim((partitions) => Promise.resolve(partitions))).toEqual([3, 4]);
  });

  it('gives up every partition when the consumer stops or crashes', async () => {
    const a = start();
    a.ownership.assign([2, 5]);
    await settle();
    a.ownership.revokeAll();
    await settle();
    expect(a.ownership.heldPartitions()).toEqual([]);
    expect(FakeLocks.holders.size).toBe(0);
  });

  it('stops claiming at once when the lock session is lost, and takes the partitions again on a new one', async () => {
    const a = start();
    a.ownership.assign([6]);
    await settle();
    a.locks.die();
    expect(a.ownership.heldPartitions()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(a.ownership.heldPartitions()).toEqual([6]);
  });
});
