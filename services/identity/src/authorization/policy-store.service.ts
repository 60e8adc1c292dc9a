import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
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

/** Loads grants and server tags, compiles the grants to Cedar when they changed, and keeps the result. */
@Injectable()
export class PolicyStore {
  private readonly logger = new Logger(PolicyStore.name);
  private snapshot: (PolicySnapshot & { loadedAt: number; grantsKey: string }) | undefined;
  private loading: Promise<PolicySnapshot> | undefined;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async current(): Promise<PolicySnapshot> {
    if (this.snapshot && Date.now() - this.snapshot.loadedAt < REFRESH_MS) return this.snapshot;
    // One load at a time: concurrent requests after the refresh interval share it.
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The next decision re-reads grants and tags (after a registry event changed them in this process). */
  invalidate(): void {
    if (this.snapshot) this.snapshot.loadedAt = 0;
  }

  private async load(): Promise<PolicySnapshot> {
    const [rows, limits, tags] = await Promise.all([
      this.dataSource.getRepository(GrantRow).find(),
      this.dataSource.getRepository(GrantLimitRow).find(),
      this.dataSource.getRepository(ServerTagsRow).find(),
    ]);
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
    this.snapshot = { authorizer, grants, tagsOf: (serverId) => tagsByServer.get(serverId) ?? [], loadedAt: Date.now(), grantsKey };
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
