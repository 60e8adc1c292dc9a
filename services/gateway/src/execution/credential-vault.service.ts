import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import type { commonV1 } from '@tradewarden/proto';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-errors';
import { openPasswords, sealPasswords, type IssuedPasswords } from './credential-seal';
import type { ExecutionItemRow } from './execution-item.entity';
import { generatePassword } from './generated-passwords';
import { IssuedCredentialRow } from './issued-credential.entity';

export type PasswordKindName = 'main' | 'investor';

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Passwords the gateway generates for account openings and password resets. They are sealed in the database before
 * anything is sent, so a retry after an unknown outcome sets the same ones; the submitter collects them once, and what
 * is not collected is erased after the configured time. They never appear in a log, an event or a plan.
 */
@Injectable()
export class CredentialVault implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CredentialVault.name);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch((error: unknown) => this.logger.error(`purge failed: ${String(error)}`)), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** The item's passwords: generated and sealed on its first attempt, the same on every later one. */
  async passwordsFor(item: ExecutionItemRow, kinds: readonly PasswordKindName[], login: string | null): Promise<{ passwords: IssuedPasswords; login: string | null }> {
    const repository = this.dataSource.getRepository(IssuedCredentialRow);
    const existing = await repository.findOneBy({ itemId: item.itemId });
    if (existing) {
      if (!existing.sealed) throw new Error(`the passwords of item ${item.itemId} were already collected or expired`);
      return { passwords: openPasswords(this.config.credentials.key, item.itemId, existing.sealed), login: existing.login };
    }
    const passwords: IssuedPasswords = Object.fromEntries(kinds.map((kind) => [kind, generatePassword()]));
    await repository.insert({
      itemId: item.itemId,
      operationId: item.operationId,
      serverId: item.serverId,
      login,
      kinds: [...kinds],
      sealed: sealPasswords(this.config.credentials.key, item.itemId, passwords),
      submittedBy: item.submittedBy,
      expiresAt: new Date(Date.now() + this.config.credentials.ttlHours * 3_600_000),
    });
    return { passwords, login };
  }

  /** A new account's login, kept as soon as the server allocates it (a retry then never opens a second account). */
  async recordLogin(itemId: string, login: string): Promise<void> {
    await this.dataSource.getRepository(IssuedCredentialRow).update({ itemId }, { login });
  }

  /**
   * Hands the passwords of an applied item to its submitter and erases them, with a CredentialsClaimed event in the
   * same transaction. Anyone else is refused, and so is a second claim.
   */
  async claim(actor: commonV1.Actor, operationId: string, itemId: string): Promise<{ serverId: string; login: string; passwords: IssuedPasswords }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const row = await manager.getRepository(IssuedCredentialRow).findOne({ where: { itemId, operationId }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new GatewayError('CREDENTIALS_NOT_FOUND', `item ${itemId} of operation ${operationId} has no generated passwords`);
      if (row.submittedBy !== actor.subject) throw new GatewayError('NOT_THE_SUBMITTER', 'only the submitter of the operation may collect its passwords');
      if (!row.sealed) throw new GatewayError('CREDENTIALS_UNAVAILABLE', `the passwords of item ${itemId} were ${row.claimedAt ? 'already collected' : 'erased unclaimed'}`);
      const [applied] = (await manager.query(`SELECT status FROM execution_items WHERE item_id = $1`, [itemId])) as { status: string }[];
      if (applied?.status !== 'APPLIED' || !row.login) throw new GatewayError('CREDENTIALS_UNAVAILABLE', `item ${itemId} is not applied (${applied?.status ?? 'unknown'})`);
      const passwords = openPasswords(this.config.credentials.key, itemId, row.sealed);
      await manager.update(IssuedCredentialRow, { itemId }, { sealed: null, claimedAt: new Date() });
      await this.outbox.add(
        manager,
        Topics.executionResults,
        operationId,
        buildEnvelope(
          { credentialsClaimed: { operationId, itemId, serverId: row.serverId, login: row.login, kinds: row.kinds } },
          { actor, producer: 'gateway', aggregateId: operationId },
        ),
      );
      return { serverId: row.serverId, login: row.login, passwords };
    });
    this.messaging.publishSoon();
    return result;
  }

  async purgeExpired(): Promise<number> {
    const [, erased] = (await this.dataSource.query('UPDATE issued_credentials SET sealed = NULL WHERE sealed IS NOT NULL AND expires_at < now()')) as [unknown, number];
    if (erased > 0) this.logger.log(`erased ${erased} uncollected password set(s)`);
    return erased;
  }
}
