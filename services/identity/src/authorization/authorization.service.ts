import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { OutboxAccessDeniedRecorder } from '@tradewarden/messaging';
import type { commonV1 } from '@tradewarden/proto';
import { decide, policyVersion, type Grant } from './authorization-policy';
import { GrantRow } from './grant.entity';

export interface AuthorizationResult {
  allowed: boolean;
  reason: string;
  decisionId: string;
  policyVersion: string;
}

const GRANT_CACHE_MS = 2000;

/** Answers Authorize for every service. Denials become AccessDenied events for the audit trail. */
@Injectable()
export class AuthorizationService {
  private cache: { grants: Grant[]; version: string; loadedAt: number } | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly denials: OutboxAccessDeniedRecorder,
  ) {}

  async authorize(
    actor: commonV1.Actor,
    query: { action: string; operationType: string; serverId: string },
    caller: { service: string; method: string },
  ): Promise<AuthorizationResult> {
    const { grants, version } = await this.grants();
    const decision = decide(grants, { roles: actor.roles, ...query });
    const decisionId = randomUUID();
    if (!decision.allowed) {
      await this.denials.recordDenied({ service: caller.service, method: caller.method, code: 'PERMISSION_DENIED', reason: decision.reason, actor, decisionId });
    }
    return { allowed: decision.allowed, reason: decision.allowed ? '' : decision.reason, decisionId, policyVersion: version };
  }

  async permissionsOf(roles: readonly string[]): Promise<string[]> {
    const { grants } = await this.grants();
    return grants
      .filter((grant) => roles.includes(grant.role))
      .map((grant) => `${grant.action}:${grant.operationTypePattern}${grant.serverPattern === '*' ? '' : `@${grant.serverPattern}`}`)
      .sort();
  }

  // Grants change rarely and only through approved operations; a short cache keeps per-item checks of large batches
  // off the database.
  private async grants(): Promise<{ grants: Grant[]; version: string }> {
    if (this.cache && Date.now() - this.cache.loadedAt < GRANT_CACHE_MS) return this.cache;
    const rows = await this.dataSource.getRepository(GrantRow).find();
    const grants: Grant[] = rows.map((row) => ({
      role: row.role,
      action: row.action,
      operationTypePattern: row.operationTypePattern,
      serverPattern: row.serverPattern,
    }));
    this.cache = { grants, version: policyVersion(grants), loadedAt: Date.now() };
    return this.cache;
  }
}
