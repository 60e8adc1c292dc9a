import { Client } from 'pg';
import { createSuiteDatabase, eventually, provisionServiceDatabase } from '@tradewarden/test-harness';
import { ConnectionSlots, NoSlotFreeError, slotsToTry } from './connection-slots';
import { LockSession } from './lock-session';

// The deployment-wide semaphore of MT connections: three "instances" (each its own lock session) share one server's
// cap; a session that dies gives its slots back by itself.
describe('ConnectionSlots', () => {
  let url: string;
  const sessions: LockSession[] = [];
  const instance = (name: string) => {
    const session = new LockSession(url, `slots-test ${name}`);
    sessions.push(session);
    return { session, slots: new ConnectionSlots(session, 'slotstest') };
  };

  beforeAll(async () => {
    url = (await provisionServiceDatabase(await createSuiteDatabase('slots'), 'slotstest')).url;
  });

  afterAll(async () => {
    for (const session of sessions) await session.close();
  });

  it('tries only the slots an instance does not hold already', () => {
    expect(slotsToTry(4, new Set([0, 2]))).toEqual([1, 3]);
    expect(slotsToTry(2, new Set([0, 1]))).toEqual([]);
  });

  it('never hands out more slots of a server than its cap, across instances', async () => {
    const a = instance('a');
    const b = instance('b');
    const held = [await a.slots.acquire('mt5-x', 3, 1000), await b.slots.acquire('mt5-x', 3, 1000), await a.slots.acquire('mt5-x', 3, 1000)];
    expect(new Set(held.map((lease) => lease.slot))).toEqual(new Set([0, 1, 2]));
    await expect(b.slots.acquire('mt5-x', 3, 300)).rejects.toBeInstanceOf(NoSlotFreeError);
    await expect(a.slots.acquire('mt5-x', 3, 300)).rejects.toBeInstanceOf(NoSlotFreeError);
    // Another server has slots of its own.
    const other = await b.slots.acquire('mt5-y', 1, 1000);
    // A slot given back is free for anyone; a waiting acquire gets it.
    const waiting = b.slots.acquire('mt5-x', 3, 5000);
    await held[0]!.release();
    expect((await waiting).slot).toBe(held[0]!.slot);
    await other.release();
  });

  it('hands no slot out twice to concurrent acquires of one instance (advisory locks are re-entrant)', async () => {
    const a = instance('concurrent-a');
    const b = instance('concurrent-b');
    const blocker = await b.slots.acquire('mt5-c', 3, 1000);
    // Each acquire lists the slots to try when it starts; while one waits on a slot that another instance holds, the
    // others move on to the same free slots, which only the instance's own bookkeeping keeps apart.
    for (let round = 0; round < 5; round += 1) {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => a.slots.acquire('mt5-c', 3, 400)));
      const leases = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      expect(leases).toHaveLength(2);
      expect(new Set(leases.map((lease) => lease.slot)).size).toBe(2);
      expect(leases.map((lease) => lease.slot)).not.toContain(blocker.slot);
      for (const lease of leases) await lease.release();
    }
    await blocker.release();
  });

  it('frees the slots of an instance whose PostgreSQL session dies (a SIGKILLed gateway)', async () => {
    const doomed = instance('doomed');
    const survivor = instance('survivor');
    const lost = jest.fn();
    doomed.session.onLost(lost);
    await doomed.slots.acquire('mt5-z', 2, 1000);
    await doomed.slots.acquire('mt5-z', 2, 1000);
    await expect(survivor.slots.acquire('mt5-z', 2, 300)).rejects.toBeInstanceOf(NoSlotFreeError);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'slots-test doomed'`);
    } finally {
      await admin.end();
    }
    await eventually(async () => expect(lost).toHaveBeenCalledTimes(1), 10_000, 50);
    expect(doomed.slots.held()).toEqual({});
    const taken = [await survivor.slots.acquire('mt5-z', 2, 2000), await survivor.slots.acquire('mt5-z', 2, 2000)];
    expect(taken.map((lease) => lease.slot).sort()).toEqual([0, 1]);
  });
});
