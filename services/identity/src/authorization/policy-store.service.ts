import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { ServerTagsRow } from '../registry/server-tags.entity';
import { CedarAuthorizer } from './cedar-authorizer';
import { compilePolicySet } from './cedar-policy-compiler';
import type { Grant } from './grant';
import { GrantLimitRow } from './grant-limit.entity';
import { GrantRow } from './grant.entity';

/** What a decision is taken under: the compiled policy set and the registry's server tags, read together. */
export interface PolicySnapshot {
  authorizer: CedarAuthorizer;
  grants: readonly Grant[];
  tagsOf(serverId: string): readonly string[];
}

// Grants and tags are re-read at most this often; a decision may be taken under a set this old. Compiling and
// preparsing happen only when the grants actually changed, so the cost of a refresh is three small queries.
const REFRESH_MS = 1000;

// Marks a transaction (its query runner's data) whose commit must make the next decision re-read the grants.
const GRANTS_CHANGED = 'tradewarden.identity.grantsChanged';

/** Loads grants and server tags, compiles the grants to Cedar when they changed, and keeps the result. */
@Injectable()
export class PolicyStore {
  private readonly logger = new Logger(PolicyStore.name);
  private snapshot: (PolicySnapshot & { loadedAt: number; grantsKey: string }) | undefined;
  private loading: { generation: number; snapshot: Promise<PolicySnapshot> } | undefined;
  // Bumped by every invalidation: a load that began before it may have read the old rows, so it is not reused.
  private generation = 0;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        // Also broadcast when a savepoint is released: only the outermost commit makes the rows visible.
        if (queryRunner.isTransactionActive || queryRunner.data[GRANTS_CHANGED] !== true) return;
        delete queryRunner.data[GRANTS_CHANGED];
        this.invalidate();
      },
    };
    dataSource.subscribers.push(subscriber);
  }

  async current(): Promise<PolicySnapshot> {
    if (this.snapshot && Date.now() - this.snapshot.loadedAt < REFRESH_MS) return this.snapshot;
    // One load at a time: concurrent requests after the refresh interval share it, unless it began before an
    // invalidation.
    const shared = this.loading;
    if (shared && shared.generation === this.generation) return shared.snapshot;
    const loading = { generation: this.generation, snapshot: this.load(this.generation) };
    this.loading = loading;
    const forget = () => {
      if (this.loading === loading) this.loading = undefined;
    };
    void loading.snapshot.then(forget, forget);
    return loading.snapshot;
  }

  /** The next decision re-reads grants and tags (after a registry event changed them in this process). */
  invalidate(): void {
    this.generation += 1;
    if (this.snapshot) this.snapshot.loadedAt = 0;
  }

  /**
   * The first decision after this transaction commits re-reads the grants: a grant change applied here is in force
   * for this instance at once (other instances within REFRESH_MS). Invalidating before the commit would let a refresh
   * in between read the old rows and keep them for a second.
   */
  invalidateAfterCommit(manager: EntityManager): void {
    if (manager.queryRunner?.isTransactionActive) manager.queryRunner.data[GRANTS_CHANGED] = true;
    else this.invalidate();
  }

  private async load(generation: number): Promise<PolicySnapshot> {
    // One snapshot for all three reads: grants and limits read at different moments could pair a grant just created
    // with none of its limits (or a grant being revoked with its limits already gone), i.e. an unlimited grant.
    const [rows, limits, tags] = await this.dataSource.transaction('REPEATABLE READ', async (manager) => [
      await manager.getRepository(GrantRow).find(),
      await manager.getRepository(GrantLimitRow).find(),
      await manager.getRepository(ServerTagsRow).find(),
    ] as const);
    const grants = toGrants(rows, limits);
    const grantsKey = grants.map(({ id: _id, ...grant }) => JSON.stringify(grant)).sort().join('\n');
    let authorizer = this.snapshot?.authorizer;
    if (!authorizer || this.snapshot?.grantsKey !== grantsKey) {
      const compiled = compilePolicySet(grants);
      for (const { grant, problem } of compiled.rejected) this.logger.error(`grant ${grant.id ?? '?'} (${grant.role} ${grant.action} ${grant.operationTypePattern}) grants nothing: ${problem}`);
      authorizer = CedarAuthorizer.load(compiled);
      this.logger.log(`policy set ${compiled.version}: ${compiled.grants.size} grant(s) compiled to Cedar`);
    }
    const tagsByServer = new Map(tags.map((row) => [row.serverId, row.tags]));
    // Invalidated while loading: usable for the requests that waited on it, but the next one loads again.
    const loadedAt = generation === this.generation ? Date.now() : 0;
    this.snapshot = { authorizer, grants, tagsOf: (serverId) => tagsByServer.get(serverId) ?? [], loadedAt, grantsKey };
    return this.snapshot;
  }
}

function toGrants(rows: readonly GrantRow[], limits: readonly GrantLimitRow[]): Grant[] {
  const limitsOf = new Map<string, GrantLimitRow[]>();
  for (const limit of limits) limitsOf.set(limit.grantId, [...(limitsOf.get(limit.grantId) ?? []), limit]);
  return rows.map((row) => ({
    id: row.id,
    role: row.role,
    action: row.action,
    operationTypePattern: row.operationTypePattern,
    serverPattern: row.serverPattern,
    serverTags: row.serverTags,
    groupMasks: row.groupMasks,
    limits: (limitsOf.get(row.id) ?? []).sort((a, b) => a.currency.localeCompare(b.currency)).map((limit) => ({
      currency: limit.currency,
      maxPerItem: limit.maxPerItem ?? undefined,
      maxPerOperation: limit.maxPerOperation ?? undefined,
      maxPerUserDay: limit.maxPerUserDay ?? undefined,
    })),
  }));
}
