import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * One dedicated PostgreSQL session per gateway instance that holds its session-level advisory locks: connection slots
 * of MT servers and execution partitions. Session locks belong to the connection, not to a transaction, so they last
 * while the instance lives and vanish with its connection: a SIGKILLed instance frees everything it held as soon as
 * PostgreSQL sees its socket close, with no lease to expire.
 *
 * Advisory locks are re-entrant within a session (a second pg_try_advisory_lock on a key this session holds succeeds
 * again), so callers must track what they hold themselves and never ask twice for the same key.
 *
 * When the session breaks, every lock is gone at once: listeners registered with onLost() must stop relying on them
 * at once (close their MT connections, stop claiming). The next lock request opens a new session; `generation`
 * tells a holder whether its lock belongs to the current session.
 */
export class LockSession {
  private readonly logger = new Logger(LockSession.name);
  private client: Promise<Client> | undefined;
  private readonly lostListeners = new Set<() => void>();
  private closed = false;
  private currentGeneration = 0;

  constructor(
    private readonly url: string,
    private readonly applicationName: string,
  ) {}

  /** Increases with every new session; a lock taken in an earlier generation is no longer held. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** Called once for each lost session (never for close()). Returns the function that removes the listener. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** pg_try_advisory_lock on (namespace, key): true when this session now holds it. */
  async tryLock(namespace: string, key: number): Promise<{ locked: boolean; generation: number }> {
    const client = await this.session();
    const generation = this.currentGeneration;
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), $2) AS locked', [namespace, key]);
    return { locked: result.rows[0]?.locked === true, generation };
  }

  /** Releases a lock taken in `generation`; a lock of a lost session is already gone. */
  async unlock(namespace: string, key: number, generation: number): Promise<void> {
    if (generation !== this.currentGeneration || !this.client) return;
    const client = await this.client.catch(() => undefined);
    if (!client || generation !== this.currentGeneration) return;
    await client.query('SELECT pg_advisory_unlock(hashtext($1), $2)', [namespace, key]).catch((error: unknown) => {
      // The session broke meanwhile: the lock went with it.
      this.logger.warn(`unlock ${namespace}/${key}: ${String(error)}`);
    });
  }

  /** Ends the session, and with it every lock this instance holds (graceful shutdown, after the holders let go). */
  async close(): Promise<void> {
    this.closed = true;
    const client = await this.client?.catch(() => undefined);
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private session(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('the lock session is closed'));
    if (!this.client) {
      const client = new Client({ connectionString: this.url, application_name: this.applicationName, keepAlive: true });
      // PostgreSQL frees the locks when it notices the connection is dead; on a lost node (no FIN, no RST) that takes
      // its TCP keepalive, two hours by default. These make it about a minute for this session alone.
      const opening = client
        .connect()
        .then(() => client.query('SET tcp_keepalives_idle = 20; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 4; SET tcp_user_timeout = 40000'))
        .then(() => client);
      this.currentGeneration += 1;
      const generation = this.currentGeneration;
      let lost = false;
      const onLost = (reason: string) => {
        if (lost || this.closed) return;
        lost = true;
        if (this.client === opening) this.client = undefined;
        this.logger.error(`lock session ${generation} lost (${reason}): every slot and partition it held is free again`);
        client.end().catch(() => undefined);
        for (const listener of [...this.lostListeners]) listener();
      };
      client.on('error', (error) => onLost(String(error)));
      client.on('end', () => onLost('connection ended'));
      this.client = opening;
      opening.catch((error: unknown) => {
        // Nothing was held on a session that never opened; the next request tries again.
        lost = true;
        if (this.client === opening) this.client = undefined;
        this.logger.warn(`cannot open the lock session: ${String(error)}`);
      });
    }
    return this.client;
  }
}
