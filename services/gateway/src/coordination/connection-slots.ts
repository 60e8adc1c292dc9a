import type { LockSession } from './lock-session';

/** One connection slot of one MT server, held by this instance until released. */
export interface SlotLease {
  readonly serverId: string;
  readonly slot: number;
  /** Gives the slot back (after the connection it stood for is closed). Idempotent. */
  release(): Promise<void>;
}

/** Where pools get their connection slots from (the deployment-wide semaphore, or nothing when unbounded locally). */
export interface SlotSource {
  acquire(serverId: string, cap: number, timeoutMs: number): Promise<SlotLease>;
  /** Called when every slot was lost at once (the lock session broke): the holders must close their connections now. */
  onLost(listener: () => void): () => void;
}

export class NoSlotFreeError extends Error {
  constructor(serverId: string, cap: number, timeoutMs: number) {
    super(`server ${serverId}: all ${cap} connection slots of the deployment stayed taken for ${timeoutMs} ms`);
    this.name = 'NoSlotFreeError';
  }
}

const POLL_MS = 100;

/** The slot numbers to try, in order: those this instance neither holds nor is asking for. */
export function slotsToTry(cap: number, taken: ReadonlySet<number>): number[] {
  return Array.from({ length: cap }, (_, slot) => slot).filter((slot) => !taken.has(slot));
}

/**
 * A distributed counting semaphore of MT connections per server: slot i of server s is the session advisory lock
 * (hashtext(namespace:s), i) with i < the server's cap, held on this instance's LockSession. A pool takes a slot before
 * it opens a connection and gives it back after closing it, so across every gateway instance no server ever has more
 * connections than its cap, whether they execute or serve reads. Slots of an instance that dies free themselves with
 * its PostgreSQL connection.
 */
export class ConnectionSlots implements SlotSource {
  /** Per server: slots this instance holds or is asking for (advisory locks are re-entrant, so never ask twice). */
  private readonly taken = new Map<string, Set<number>>();

  constructor(
    private readonly session: LockSession,
    /** Distinguishes deployments sharing one database (the gateway's schema). */
    private readonly namespace: string,
  ) {
    session.onLost(() => this.taken.clear());
  }

  onLost(listener: () => void): () => void {
    return this.session.onLost(listener);
  }

  /** Waits (polling) until one of the server's `cap` slots is free in the whole deployment, and takes it. */
  async acquire(serverId: string, cap: number, timeoutMs: number): Promise<SlotLease> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lease = await this.tryAcquire(serverId, cap);
      if (lease) return lease;
      if (Date.now() >= deadline) throw new NoSlotFreeError(serverId, cap, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS / 2 + Math.random() * POLL_MS));
    }
  }

  /** Slots this instance holds now, per server (for metrics and tests). */
  held(): Record<string, number> {
    return Object.fromEntries([...this.taken].map(([serverId, slots]) => [serverId, slots.size]));
  }

  private async tryAcquire(serverId: string, cap: number): Promise<SlotLease | undefined> {
    const key = `${this.namespace}:mt-slot:${serverId}`;
    let taken = this.taken.get(serverId);
    if (!taken) {
      taken = new Set();
      this.taken.set(serverId, taken);
    }
    for (const slot of slotsToTry(cap, taken)) {
      // Another acquire of this instance may have started on this slot since the list was made: a second
      // pg_try_advisory_lock on it would succeed again (re-entrant) and hand one slot out twice.
      if (taken.has(slot)) continue;
      taken.add(slot);
      let result: { locked: boolean; generation: number };
      try {
        result = await this.session.tryLock(key, slot);
      } catch (error) {
        this.taken.get(serverId)?.delete(slot);
        throw error;
      }
      if (!result.locked || result.generation !== this.session.generation) {
        this.taken.get(serverId)?.delete(slot);
        continue;
      }
      let released = false;
      return {
        serverId,
        slot,
        release: async () => {
          if (released) return;
          released = true;
          await this.session.unlock(key, slot, result.generation);
          // A slot of a lost session was forgotten with it (and may be held again under a new one).
          if (result.generation === this.session.generation) this.taken.get(serverId)?.delete(slot);
        },
      };
    }
    return undefined;
  }
}

/** Every caller gets a slot at once: a single gateway without the deployment-wide semaphore (tests, tools). */
export const UNBOUNDED_SLOTS: SlotSource = {
  acquire: (serverId, _cap, _timeoutMs) => Promise.resolve({ serverId, slot: -1, release: () => Promise.resolve() }),
  onLost: () => () => undefined,
};

