import { randomUUID } from 'node:crypto';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { grantScopeKey, grantScopeOf, grantState, type GrantLimitState, type GrantScope } from '@tradewarden/platform-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { GrantLimitRow } from '../authorization/grant-limit.entity';
import { GrantRow } from '../authorization/grant.entity';

/**
 * The grant of one scope, inside a transaction that holds the scope's lock: two changes of the same scope (two
 * operations, or a redelivery racing its original) apply one after the other, each seeing the other's result.
 */
export class GrantScopeStore {
  private constructor(
    private readonly manager: EntityManager,
    private readonly scope: GrantScope,
    private readonly key: string,
  ) {}

  static async lock(manager: EntityManager, params: catalogueV1.GrantParams): Promise<GrantScopeStore> {
    const scope = grantScopeOf(params);
    const key = grantScopeKey(scope);
    // A transaction-level lock on the scope rather than a row lock: the row may not exist yet (grant.set of a new grant).
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tradewarden.identity.grant:${key}`]);
    return new GrantScopeStore(manager, scope, key);
  }

  /**
   * The rows of this scope, oldest first. Tags and masks are compared as grantScopeKey compares them (in any order),
   * while the unique constraint compares arrays in order: rows written by migrations in another order are found too.
   */
  async rows(): Promise<GrantRow[]> {
    const { role, action, operationTypePattern, serverPattern } = this.scope;
    const rows = await this.manager.getRepository(GrantRow).find({ where: { role, action: action as GrantRow['action'], operationTypePattern, serverPattern }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.filter((row) => grantScopeKey(row) === this.key);
  }

  /** The grant's state as plans show it, and its id when it exists. */
  async state(): Promise<{ state: Record<string, string>; grantId: string | undefined }> {
    const [grant] = await this.rows();
    if (!grant) return { state: grantState(undefined), grantId: undefined };
    const limits = await this.manager.getRepository(GrantLimitRow).find({ where: { grantId: grant.id } });
    return { state: grantState(limits), grantId: grant.id };
  }

  /** The grant exists with exactly these limits (its earlier limits replaced). */
  async set(limits: readonly GrantLimitState[]): Promise<void> {
    let [grant] = await this.rows();
    if (!grant) {
      grant = this.manager.getRepository(GrantRow).create({ id: randomUUID(), ...this.scope, action: this.scope.action as GrantRow['action'], serverTags: [...this.scope.serverTags], groupMasks: [...this.scope.groupMasks] });
      await this.manager.insert(GrantRow, grant);
    }
    await this.manager.delete(GrantLimitRow, { grantId: grant.id });
    for (const limit of limits) {
      await this.manager.insert(GrantLimitRow, { grantId: grant.id, currency: limit.currency, maxPerItem: limit.maxPerItem ?? null, maxPerOperation: limit.maxPerOperation ?? null, maxPerUserDay: limit.maxPerUserDay ?? null });
    }
  }

  /** No grant of this scope exists (its limits go with it, ON DELETE CASCADE). */
  async revoke(): Promise<void> {
    const rows = await this.rows();
    if (rows.length > 0) await this.manager.delete(GrantRow, rows.map((row) => row.id));
  }
}

/**
 * PostgreSQL's refusal of a write for its data: a constraint (SQLSTATE class 23: check, unique, foreign key, not null)
 * or a value it cannot store (class 22: a malformed or out-of-range numeric). Anything else (a lost connection, a
 * deadlock) fails the consumer's transaction instead, so the command is retried.
 */
export function databaseRefusal(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code) ? error.message : undefined;
}
