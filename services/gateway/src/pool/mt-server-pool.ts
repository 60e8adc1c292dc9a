import { Logger } from '@nestjs/common';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, CircuitState, type CircuitBreakerPolicy, type RetryPolicy } from 'cockatiel';
import { createPool, type Pool } from 'generic-pool';
import { UNBOUNDED_SLOTS, type SlotLease, type SlotSource } from '../coordination/connection-slots';
import { MtAuthenticationError, MtTransportError } from '../mt5/mt5-errors';
import { Mt5WebApiSession, type Mt5SessionOptions } from '../mt5/mt5-webapi-session';
import { LatencyWindow } from './latency-window';
import { RequestRateLimiter } from './request-rate-limiter';

export interface PoolSettings {
  /** Never more manager connections to this server than this (the server's own limit for our login). */
  maxConnections: number;
  /** Sessions kept open and warm even when idle. */
  minIdle: number;
  /** How long a caller waits for a free connection before failing. */
  acquireTimeoutMs: number;
  /** Requests per second to this server, across all connections. */
  requestsPerSecond: number;
  /** Consecutive transport failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit refuses work before letting a probe through. */
  breakerHalfOpenAfterMs: number;
  /**
   * How long an idle session stays open (default 150 s, before the server's 180 s idle drop). Short where this instance
   * does not execute the server: its sessions there stand for connection slots the executing instance needs.
   */
  idleCloseMs?: number;
}

export interface PoolStats {
  serverId: string;
  max: number;
  open: number;
  inUse: number;
  idle: number;
  waiting: number;
  requests: number;
  errors: number;
  reconnects: number;
  breaker: 'closed' | 'open' | 'half-open' | 'isolated';
  latencyMs: { count: number; mean: number; p99: number; max: number };
}

/** Errors that say the connection or the server is unwell (as opposed to a business answer such as retcode 13). */
export const isConnectionFailure = (error: unknown) => error instanceof MtTransportError || error instanceof MtAuthenticationError;

// Idle sessions are closed before the server's 180 s idle drop, and pinged when borrowed after 20 s of silence.
const IDLE_CLOSE_MS = 150_000;
const PING_AFTER_IDLE_MS = 20_000;
// A server counts a connection until it has processed its close, which lags the client's close (and a killed
// instance's closes) by a moment: a slot just freed elsewhere is given that moment before it becomes a new connection.
const SLOT_SETTLE_MS = 150;

/**
 * The connections of one MT server: a cap that is never exceeded (generic-pool), warm idle sessions, a health ping
 * before reusing a quiet session, reconnect with exponential backoff and jitter, a circuit breaker on consecutive
 * connection failures (cockatiel), a request rate limit, and counters for metrics. A session that failed at the
 * transport level is destroyed, never handed out again.
 */
export class MtServerPool {
  private readonly logger: Logger;
  private readonly pool: Pool<Mt5WebApiSession>;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly connect: RetryPolicy;
  private readonly limiter: RequestRateLimiter;
  private readonly latencies = new LatencyWindow();
  private counters = { requests: 0, errors: 0, reconnects: 0, created: 0 };
  private draining = false;
  /** Every open session with the connection slot it stands for. */
  private readonly leases = new Map<Mt5WebApiSession, SlotLease>();

  constructor(
    readonly serverId: string,
    private readonly session: Mt5SessionOptions,
    private readonly settings: PoolSettings,
    /** Connection slots shared by every gateway instance: a session is opened only with one in hand. */
    private readonly slots: SlotSource = UNBOUNDED_SLOTS,
  ) {
    this.logger = new Logger(`pool:${serverId}`);
    this.limiter = new RequestRateLimiter(settings.requestsPerSecond);
    this.breaker = circuitBreaker(handleWhen(isConnectionFailure), {
      halfOpenAfter: settings.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    this.breaker.onStateChange((state) => this.logger.warn(`circuit ${CircuitState[state].toLowerCase()}`));
    this.connect = retry(handleWhen((error) => error instanceof MtTransportError), {
      maxAttempts: 3,
      backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 5000 }),
    });
    this.pool = createPool<Mt5WebApiSession>(
      {
        create: async () => {
          // The slot first: the cap counts connections across the deployment, and a connection exists only with one.
          const lease = await this.slots.acquire(this.serverId, settings.maxConnections, settings.acquireTimeoutMs);
          try {
            if (lease.slot >= 0) await new Promise((resolve) => setTimeout(resolve, SLOT_SETTLE_MS));
            const created = await this.connect.execute(async ({ attempt }) => {
              if (attempt > 0) this.counters.reconnects += 1;
              const opening = new Mt5WebApiSession(this.session);
              try {
                await opening.open();
              } catch (error) {
                await opening.close();
                throw error;
              }
              return opening;
            });
            this.counters.created += 1;
            this.leases.set(created, lease);
            return created;
          } catch (error) {
            await lease.release();
            throw error;
          }
        },
        destroy: async (session) => {
          try {
            await session.close();
          } finally {
            // Only once the connection is closed may another instance open one in its place.
            const lease = this.leases.get(session);
            this.leases.delete(session);
            await lease?.release();
          }
        },
        validate: async (session) => {
          if (session.idleForMs < PING_AFTER_IDLE_MS) return true;
          try {
            await session.request('/api/test/access');
            return true;
          } catch {
            return false;
          }
        },
      },
      {
        max: settings.maxConnections,
        min: Math.min(settings.minIdle, settings.maxConnections),
        acquireTimeoutMillis: settings.acquireTimeoutMs,
        testOnBorrow: true,
        idleTimeoutMillis: settings.idleCloseMs ?? IDLE_CLOSE_MS,
        evictionRunIntervalMillis: Math.min(30_000, Math.max(1000, Math.floor((settings.idleCloseMs ?? IDLE_CLOSE_MS) / 5))),
        autostart: false,
      },
    );
    // generic-pool keeps retrying failed creates in the background; those are logged, callers see acquire timeouts.
    this.pool.on('factoryCreateError', (error: unknown) => {
      this.counters.errors += 1;
      this.logger.warn(`could not open a session: ${String(error)}`);
    });
  }

  /**
   * Runs fn with one session of this server. Connection failures count towards the circuit breaker and destroy the
   * session; an open circuit fails fast with BrokenCircuitError.
   */
  async run<T>(fn: (session: Mt5WebApiSession) => Promise<T>): Promise<T> {
    if (this.draining) throw new MtTransportError(`server ${this.serverId}`, new Error('the gateway is shutting down this pool'));
    await this.limiter.take();
    return this.breaker.execute(async () => {
      const session = await this.acquire();
      const started = performance.now();
      let broken = false;
      this.counters.requests += 1;
      try {
        return await fn(session);
      } catch (error) {
        if (isConnectionFailure(error)) {
          broken = true;
          this.counters.errors += 1;
        }
        throw error;
      } finally {
        this.latencies.record(performance.now() - started);
        if (broken) await this.pool.destroy(session).catch(() => undefined);
        else await this.pool.release(session).catch(() => undefined);
      }
    });
  }

  /** Opens the minimum idle sessions now (at startup). */
  start(): void {
    this.pool.start();
  }

  stats(): PoolStats {
    return {
      serverId: this.serverId,
      max: this.pool.max,
      open: this.pool.size,
      inUse: this.pool.borrowed,
      idle: this.pool.available,
      waiting: this.pool.pending + this.limiter.waiting,
      requests: this.counters.requests,
      errors: this.counters.errors,
      reconnects: this.counters.reconnects,
      breaker: (['closed', 'open', 'half-open', 'isolated'] as const)[this.breaker.state]!,
      latencyMs: this.latencies.summary(),
    };
  }

  /** Waits for borrowed sessions to come back, then closes every session (graceful shutdown or losing the server). */
  async drain(): Promise<void> {
    this.draining = true;
    await this.pool.drain();
    await this.pool.clear();
  }

  /**
   * Closes every session now, borrowed ones included (their requests fail): the slots they stood for are no longer held
   * (the lock session broke), so they must not stay open while another instance may take those slots.
   */
  async abort(): Promise<void> {
    this.draining = true;
    await Promise.all([...this.leases.keys()].map((session) => session.close().catch(() => undefined)));
    await this.drain();
  }

  private async acquire(): Promise<Mt5WebApiSession> {
    try {
      return await this.pool.acquire();
    } catch (error) {
      throw new MtTransportError(`server ${this.serverId}`, new Error(`no connection within ${this.settings.acquireTimeoutMs} ms: ${String(error)}`));
    }
  }

}
