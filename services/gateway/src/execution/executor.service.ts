import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { MtBalanceType } from '@tradewarden/mt5-webapi-protocol';
import { accountSnapshot, canonicalChangeSet, ChangeFieldError, CONTEXT_FIELDS, decideUpdate, driftedContext, unmetFields } from '@tradewarden/mt-change';
import { DecimalAmount } from '@tradewarden/money';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { catalogueV1, operationV1 } from '@tradewarden/proto';
import { withSpan, extractTraceContext } from '@tradewarden/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-errors';
import { MtRetcodeError, MtTransportError } from '../mt5/mt5-errors';
import { toAccount } from '../mt/gateway-records';
import { UnsupportedChangeError, type AccountReads, type MtConnector } from '../mt/mt-connector';
import { LockSession } from '../coordination/lock-session';
import { ServerRegistryService } from '../registry/server-registry.service';
import { ExecutionItemRow, type ExecutionStatus } from './execution-item.entity';
import { CredentialVault } from './credential-vault.service';
import { afterUnconfirmedAttempt } from './execution-rules';
import { ExecutionOwnership } from './execution-ownership.service';
import { recordTarget, type RecordTarget } from './record-target';

type Outcome =
  | { status: 'APPLIED'; mtReference: string; liveBefore: Record<string, string>; liveAfter: Record<string, string> }
  | { status: 'FAILED' | 'DRIFTED' | 'REJECTED'; errorCode: string; errorMessage: string; mtRetcode?: string; liveBefore?: Record<string, string> }
  | { status: 'PENDING'; delayMs: number; errorMessage: string };

/**
 * Execution compares and shows the account vocabulary, which has no margin figures: reading the user record (balance
 * and credit included, kept current by the server) is enough, without the trade-state request.
 */
const ACCOUNT_RECORD: AccountReads = { margin: false };

/** What balance results show of an account: who it is and its money, no personal data. */
const balanceSnapshot = (snapshot: Record<string, string>) => pick(snapshot, ['login', 'group', 'currency', 'balance', 'credit']);

function pick(snapshot: Record<string, string>, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.filter((field) => snapshot[field] !== undefined).map((field) => [field, snapshot[field]!]));
}

/**
 * Works the execution ledger: claims PENDING items (oldest first, one at a time per account, so an account's changes keep
 * their order), re-reads live state and refuses drifted items, applies the item's MtChange (balance deals tagged with the
 * execution token and verified in the deal history; record updates read back), and records the outcome with its
 * ItemExecuted event in one transaction.
 * An item left IN_PROGRESS by a crash is resolved through the deal history before anything is sent again.
 *
 * Only items of the execution partitions this instance holds are claimed (ExecutionOwnership), so each server's
 * execution traffic lives in one gateway instance at a time however many run.
 */
@Injectable()
export class ExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExecutorService.name);
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly registry: ServerRegistryService,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly vault: CredentialVault,
    private readonly ownership: ExecutionOwnership,
    private readonly locks: LockSession,
  ) {}

  onApplicationBootstrap(): void {
    // Items a crashed instance left mid-call are sent back to PENDING by whoever takes their partition next
    // (ExecutionOwnership), never here: another instance may be executing them right now.
    this.ownership.onGained(() => this.wake());
    this.running = true;
    this.loops = Array.from({ length: this.config.execution.concurrency }, () => this.run());
  }

  /**
   * Stops claiming, lets the items in flight finish, then lets go of the partitions (closing their pools), closes the
   * remaining connections and only then the lock session, so no slot is given back while its connection is open.
   */
  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
    await this.ownership.close();
    await this.registry.closeAll();
    await this.locks.close();
  }

  wake(): void {
    setImmediate(() => {
      for (const wake of this.wakers) wake();
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.processNext();
      } catch (error) {
        this.logger.error(`executor loop: ${String(error)}`);
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.wakers.delete(done);
            resolve();
          };
          const timer = setTimeout(done, this.config.execution.pollMs);
          this.wakers.add(done);
        });
      }
    }
  }

  private async processNext(): Promise<boolean> {
    // The oldest due item of a partition this instance holds whose account has no earlier unfinished item: several
    // executors work in parallel (bounded per server by its pool), while each account's changes are applied one at a
    // time, in approval order.
    const claim = await this.ownership.withClaim(async (partitions) => {
      if (partitions.length === 0) return undefined;
      const [rows] = (await this.dataSource.query(
        `WITH candidate AS (
           SELECT i.item_id FROM execution_items i
            WHERE i.status = 'PENDING' AND (i.not_before IS NULL OR i.not_before <= now())
              AND i.kafka_partition = ANY($1::int[])
              AND NOT EXISTS (
                SELECT 1 FROM execution_items e
                 WHERE e.server_id = i.server_id AND e.account_key = i.account_key AND e.seq < i.seq
                   AND e.status IN ('PENDING', 'IN_PROGRESS'))
            ORDER BY i.seq
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
         UPDATE execution_items SET status = 'IN_PROGRESS', attempts = attempts + 1, updated_at = now()
          WHERE item_id = (SELECT item_id FROM candidate)
          RETURNING item_id, kafka_partition, server_id`,
        [partitions],
      )) as [{ item_id: string; kafka_partition: number; server_id: string }[], number];
      const row = rows[0];
      return row ? { itemId: row.item_id, done: this.ownership.track(row.kafka_partition, row.server_id) } : undefined;
    });
    if (!claim) return false;
    try {
      await this.executeClaimed(claim.itemId);
    } finally {
      claim.done();
    }
    return true;
  }

  private async executeClaimed(claimedId: string): Promise<void> {
    const claimed = await this.dataSource.getRepository(ExecutionItemRow).findOneByOrFail({ itemId: claimedId });
    const plan = operationV1.ItemPlan.fromJSON(claimed.plan);
    const traceparent = claimed.traceparent;
    await withSpan(
      `execute ${claimed.operationType}`,
      async (span) => {
        span.setAttribute('tradewarden.item_id', claimed.itemId);
        span.setAttribute('tradewarden.server_id', claimed.serverId);
        // Any unexpected failure leaves the outcome unknown: the next attempt starts with the deal-history check.
        const outcome = await this.execute(claimed, plan).catch((error: unknown) => this.unconfirmed(claimed, false, String(error)));
        await this.record(claimed, outcome);
      },
      traceparent ? extractTraceContext({ traceparent }) : undefined,
    );
  }

  private async execute(item: ExecutionItemRow, plan: operationV1.ItemPlan): Promise<Outcome> {
    const change = plan.change;
    let connector: MtConnector;
    try {
      connector = await this.registry.connector(item.serverId);
    } catch (error) {
      if (error instanceof GatewayError) return { status: 'FAILED', errorCode: error.code, errorMessage: error.message };
      throw error;
    }
    if (change?.balance) return this.executeBalance(item, plan, connector, change.balance);
    if (change?.accountCreate) return this.executeAccountCreate(item, connector, change.accountCreate);
    if (change?.passwordReset) return this.executePasswordReset(item, plan, connector, change.passwordReset);
    let target: RecordTarget;
    try {
      target = recordTarget(item.serverId, connector, change);
    } catch (error) {
      if (error instanceof ChangeFieldError || error instanceof UnsupportedChangeError) {
        return { status: 'FAILED', errorCode: 'INVALID_CHANGE', errorMessage: error.message };
      }
      throw error;
    }
    return this.executeUpdate(item, plan, target);
  }

  /**
   * Record updates are idempotent (they set values), so after an unknown outcome the live record itself tells whether
   * an earlier attempt wrote them. Before writing, the record must be as approved; after writing, it is read back.
   */
  private async executeUpdate(item: ExecutionItemRow, plan: operationV1.ItemPlan, target: RecordTarget): Promise<Outcome> {
    const shown = (snapshot: Record<string, string>) => pick(snapshot, [...CONTEXT_FIELDS[target.kind], ...Object.keys(target.set)]);
    const live = await this.readTarget(item, target);
    if ('outcome' in live) return live.outcome;
    const liveBefore = shown(live.snapshot);
    const decision = decideUpdate(target.kind, target.set, plan.before, live.snapshot, item.attempts > 1);
    if (decision.kind === 'drifted') return this.drifted(decision.fields, plan.before, liveBefore);
    if (decision.kind === 'apply') {
      try {
        await target.write();
      } catch (error) {
        if (error instanceof MtRetcodeError) {
          return { status: 'REJECTED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}`, liveBefore };
        }
        if (error instanceof UnsupportedChangeError) return { status: 'FAILED', errorCode: 'UNSUPPORTED_ON_PLATFORM', errorMessage: error.message, liveBefore };
        if (error instanceof MtTransportError) return this.unconfirmed(item, false, `outcome unknown: ${error.message}`);
        throw error;
      }
    }
    const readBack = await this.readTarget(item, target);
    if ('outcome' in readBack) return readBack.outcome;
    const unmet = unmetFields(target.kind, target.set, readBack.snapshot);
    if (unmet.length > 0) {
      return {
        status: 'FAILED',
        errorCode: 'VERIFICATION_MISMATCH',
        errorMessage: `the server did not take ${unmet.map((field) => `${field} (asked ${target.set[field]}, reads ${readBack.snapshot[field] ?? 'nothing'})`).join(', ')}`,
        liveBefore,
      };
    }
    return { status: 'APPLIED', mtReference: target.reference, liveBefore, liveAfter: shown(readBack.snapshot) };
  }

  private async readTarget(item: ExecutionItemRow, target: RecordTarget): Promise<{ snapshot: Record<string, string> } | { outcome: Outcome }> {
    try {
      const snapshot = await target.read();
      if (snapshot) return { snapshot };
      return { outcome: { status: 'FAILED', errorCode: 'TARGET_NOT_FOUND', errorMessage: `${target.reference} does not exist on ${item.serverId}` } };
    } catch (error) {
      if (error instanceof MtRetcodeError && error.notFound) {
        return { outcome: { status: 'FAILED', errorCode: 'TARGET_NOT_FOUND', errorMessage: `${target.reference} does not exist on ${item.serverId}`, mtRetcode: `${error.code} ${error.text}` } };
      }
      if (error instanceof MtRetcodeError) {
        return { outcome: { status: 'REJECTED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}` } };
      }
      return { outcome: this.unconfirmed(item, false, `reading live state failed: ${String(error)}`) };
    }
  }

  private drifted(fields: string[], approved: Record<string, string>, live: Record<string, string>): Outcome {
    return {
      status: 'DRIFTED',
      errorCode: 'BEFORE_STATE_DRIFTED',
      errorMessage: `live ${fields.join(', ')} differ from what was approved (${fields.map((f) => `${f}: ${approved[f] ?? '(not shown)'} -> ${live[f] ?? '(none)'}`).join('; ')})`,
      liveBefore: live,
    };
  }

  /**
   * Opening an account is not idempotent either. Its passwords are sealed first; the account is opened with the
   * execution token as its comment and its login kept at once, so a retry finds an account an earlier attempt opened
   * (by login, or by the token in its group) instead of opening a second one. Then it gets the comment asked for and is
   * read back.
   */
  private async executeAccountCreate(item: ExecutionItemRow, connector: MtConnector, create: operationV1.AccountCreate): Promise<Outcome> {
    let set: Record<string, string>;
    try {
      set = canonicalChangeSet('account', create.set);
    } catch (error) {
      if (error instanceof ChangeFieldError) return { status: 'FAILED', errorCode: 'INVALID_CHANGE', errorMessage: error.message };
      throw error;
    }
    const group = set['group'] ?? '';
    // The vault's login is set only once this item has opened the account.
    const sealed = await this.vault.passwordsFor(item, ['main', 'investor'], null);
    let login = sealed.login;
    try {
      if (!login && item.attempts > 1) login = await this.openedEarlier(connector, create.login, group, item.executionToken);
      if (login) {
        await this.vault.recordLogin(item.itemId, login);
      } else {
        login = await connector.createAccount({
          login: create.login,
          group,
          firstName: set['first_name'] ?? '',
          lastName: set['last_name'] ?? '',
          email: set['email'] ?? '',
          phone: set['phone'] ?? '',
          country: set['country'] ?? '',
          city: set['city'] ?? '',
          comment: item.executionToken,
          leverage: Number(set['leverage']),
          mainPassword: sealed.passwords.main!,
          investorPassword: sealed.passwords.investor!,
        });
        await this.vault.recordLogin(item.itemId, login);
      }
      const wanted = set['comment'] ?? '';
      const opened = accountSnapshot(toAccount(item.serverId, await connector.getAccount(login, ACCOUNT_RECORD)));
      if (opened['comment'] !== wanted) await connector.updateAccount(login, { comment: wanted });
      const readBack = accountSnapshot(toAccount(item.serverId, await connector.getAccount(login, ACCOUNT_RECORD)));
      const unmet = unmetFields('account', set, readBack);
      const after = pick(readBack, [...CONTEXT_FIELDS.account, ...Object.keys(set)]);
      if (unmet.length > 0) {
        return { status: 'FAILED', errorCode: 'VERIFICATION_MISMATCH', errorMessage: `account ${login} opened, but the server did not take ${unmet.join(', ')}`, liveBefore: after };
      }
      return { status: 'APPLIED', mtReference: login, liveBefore: {}, liveAfter: after };
    } catch (error) {
      if (error instanceof MtRetcodeError && !login) {
        return { status: 'REJECTED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}` };
      }
      if (error instanceof UnsupportedChangeError) return { status: 'FAILED', errorCode: 'UNSUPPORTED_ON_PLATFORM', errorMessage: error.message };
      return this.unconfirmed(item, false, `opening account: ${String(error)}`);
    }
  }

  /** The account an earlier attempt of this item opened, found by the execution token it carries as its comment. */
  private async openedEarlier(connector: MtConnector, requestedLogin: string, group: string, token: string): Promise<string | null> {
    if (!requestedLogin) return (await connector.findAccountByComment(group, token)) ?? null;
    try {
      return (await connector.getAccount(requestedLogin, ACCOUNT_RECORD)).comment === token ? requestedLogin : null;
    } catch (error) {
      if (error instanceof MtRetcodeError && error.notFound) return null;
      throw error;
    }
  }

  /**
   * A password reset sets a generated password (sealed before sending, so a retry sets the same one) and, where the
   * platform can tell, checks that the account now has it.
   */
  private async executePasswordReset(item: ExecutionItemRow, plan: operationV1.ItemPlan, connector: MtConnector, reset: operationV1.PasswordReset): Promise<Outcome> {
    const kind = reset.kind === catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR ? 'investor' : 'main';
    if (reset.kind !== catalogueV1.PasswordKind.PASSWORD_KIND_INVESTOR && reset.kind !== catalogueV1.PasswordKind.PASSWORD_KIND_MAIN) {
      return { status: 'FAILED', errorCode: 'INVALID_CHANGE', errorMessage: 'change.password_reset.kind: MAIN or INVESTOR' };
    }
    let live: Record<string, string>;
    try {
      live = pick(accountSnapshot(toAccount(item.serverId, await connector.getAccount(reset.login, ACCOUNT_RECORD))), CONTEXT_FIELDS.account);
    } catch (error) {
      if (error instanceof MtRetcodeError && error.notFound) return { status: 'FAILED', errorCode: 'ACCOUNT_NOT_FOUND', errorMessage: `account ${reset.login} no longer exists` };
      return this.unconfirmed(item, false, `reading live state failed: ${String(error)}`);
    }
    const drifted = driftedContext('account', plan.before, live);
    if (drifted.length > 0) return this.drifted(drifted, plan.before, live);
    const { passwords } = await this.vault.passwordsFor(item, [kind], reset.login);
    try {
      await connector.changePassword(reset.login, kind, passwords[kind]!);
      const taken = await connector.checkPassword(reset.login, kind, passwords[kind]!);
      if (taken === false) return { status: 'FAILED', errorCode: 'VERIFICATION_MISMATCH', errorMessage: `the ${kind} password of ${reset.login} is not the one set`, liveBefore: live };
    } catch (error) {
      if (error instanceof MtRetcodeError) return { status: 'REJECTED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}`, liveBefore: live };
      return this.unconfirmed(item, false, `outcome unknown: ${String(error)}`);
    }
    return { status: 'APPLIED', mtReference: reset.login, liveBefore: live, liveAfter: { ...live, password_reset: kind } };
  }

  /** Balance deals are not idempotent: the execution token in the deal comment, found in the deal history, settles retries. */
  private async executeBalance(item: ExecutionItemRow, plan: operationV1.ItemPlan, connector: MtConnector, change: operationV1.BalanceChange): Promise<Outcome> {
    let amount: DecimalAmount;
    try {
      amount = DecimalAmount.parse(change.amount, 8);
    } catch (error) {
      return { status: 'FAILED', errorCode: 'INVALID_CHANGE', errorMessage: `change.balance.amount: ${String(error)}` };
    }
    const type = change.dealType === operationV1.BalanceDealType.BALANCE_DEAL_TYPE_CREDIT ? MtBalanceType.CREDIT : MtBalanceType.BALANCE;
    let live: Record<string, string>;
    try {
      live = balanceSnapshot(accountSnapshot(toAccount(item.serverId, await connector.getAccount(change.login, ACCOUNT_RECORD))));
    } catch (error) {
      if (error instanceof MtRetcodeError && error.notFound) {
        return { status: 'FAILED', errorCode: 'ACCOUNT_NOT_FOUND', errorMessage: `account ${change.login} no longer exists`, mtRetcode: `${error.code} ${error.text}` };
      }
      return this.unconfirmed(item, false, `reading live state failed: ${String(error)}`);
    }
    const drifted = driftedContext('account', { ...plan.before, currency: change.currency }, live);
    if (drifted.length > 0) return this.drifted(drifted, { ...plan.before, currency: change.currency }, live);
    if (item.attempts > 1) {
      // An earlier attempt may have reached the server: its token in the deal history settles it.
      const earlier = await this.findByToken(connector, change.login, item);
      if (earlier === 'unknown') return this.unconfirmed(item, false, 'deal history unavailable');
      if (earlier) return this.applied(connector, item, change.login, amount, live);
    }
    try {
      await connector.balanceOperation(change.login, type, amount, item.executionToken);
    } catch (error) {
      if (error instanceof MtRetcodeError) {
        return { status: 'REJECTED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}`, liveBefore: live };
      }
      if (error instanceof MtTransportError) {
        const found = await this.findByToken(connector, change.login, item);
        if (found === 'unknown') return this.unconfirmed(item, false, `outcome unknown: ${error.message}`);
        if (found) return this.applied(connector, item, change.login, amount, live);
        return this.unconfirmed(item, false, `not applied: ${error.message}`);
      }
      throw error;
    }
    return this.applied(connector, item, change.login, amount, live);
  }

  private async findByToken(connector: MtConnector, login: string, item: ExecutionItemRow): Promise<boolean | 'unknown'> {
    try {
      const since = new Date(item.createdAt.getTime() - 60_000);
      const deals = await connector.balanceDealsSince(login, since);
      return deals.some((deal) => deal.comment === item.executionToken);
    } catch {
      return 'unknown';
    }
  }

  /**
   * Reads the change back: exactly one deal carries the item's token, for exactly the approved amount, and the account's
   * after-state is recorded. A mismatch is reported, never retried (something other than Tradewarden wrote it).
   */
  private async applied(connector: MtConnector, item: ExecutionItemRow, login: string, amount: DecimalAmount, liveBefore: Record<string, string>): Promise<Outcome> {
    const deals = (await connector.balanceDealsSince(login, new Date(item.createdAt.getTime() - 60_000))).filter((deal) => deal.comment === item.executionToken);
    if (deals.length !== 1 || deals[0]!.amount.compare(amount) !== 0) {
      return {
        status: 'FAILED',
        errorCode: 'VERIFICATION_MISMATCH',
        errorMessage: `expected one deal of ${amount.toString()} tagged ${item.executionToken}, found ${deals.map((d) => `${d.ticket}:${d.amount.toString()}`).join(', ') || 'none'}`,
        liveBefore,
      };
    }
    const after = balanceSnapshot(accountSnapshot(toAccount(item.serverId, await connector.getAccount(login, ACCOUNT_RECORD))));
    return { status: 'APPLIED', mtReference: deals[0]!.ticket, liveBefore, liveAfter: after };
  }

  private unconfirmed(item: ExecutionItemRow, foundInHistory: boolean, reason: string): Outcome {
    const next = afterUnconfirmedAttempt(foundInHistory, item.attempts, this.config.execution.maxAttempts);
    switch (next.kind) {
      case 'retry':
        return { status: 'PENDING', delayMs: next.delayMs, errorMessage: reason };
      case 'give-up':
        return { status: 'FAILED', errorCode: 'EXECUTION_UNCONFIRMED', errorMessage: `gave up after ${item.attempts} attempts: ${reason}` };
      case 'applied':
        throw new Error('applied outcomes carry their deal ticket');
    }
  }

  private async record(item: ExecutionItemRow, outcome: Outcome): Promise<void> {
    const recorded = await this.dataSource.transaction(async (manager) => {
      const status: ExecutionStatus = outcome.status;
      // Fenced by the claim (status and attempt): if this instance lost the item's partition mid-call and another took
      // it over, that one owns the outcome now (settled through the deal history) and this one is dropped.
      const updated = await manager.update(ExecutionItemRow, { itemId: item.itemId, status: 'IN_PROGRESS', attempts: item.attempts }, {
        status,
        mtReference: outcome.status === 'APPLIED' ? outcome.mtReference : null,
        mtRetcode: 'mtRetcode' in outcome ? (outcome.mtRetcode ?? null) : null,
        liveBefore: 'liveBefore' in outcome ? (outcome.liveBefore ?? null) : null,
        liveAfter: outcome.status === 'APPLIED' ? outcome.liveAfter : null,
        errorCode: 'errorCode' in outcome ? outcome.errorCode : null,
        errorMessage: 'errorMessage' in outcome ? outcome.errorMessage : null,
        notBefore: outcome.status === 'PENDING' ? new Date(Date.now() + outcome.delayMs) : null,
      });
      if (updated.affected !== 1) return false;
      if (outcome.status === 'PENDING') return true;
      const itemStatus = {
        APPLIED: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
        FAILED: operationV1.ItemStatus.ITEM_STATUS_FAILED,
        DRIFTED: operationV1.ItemStatus.ITEM_STATUS_DRIFTED,
        REJECTED: operationV1.ItemStatus.ITEM_STATUS_REJECTED,
      }[outcome.status];
      await this.outbox.add(
        manager,
        Topics.executionResults,
        item.operationId,
        buildEnvelope(
          {
            itemExecuted: {
              operationId: item.operationId,
              itemId: item.itemId,
              serverId: item.serverId,
              status: itemStatus,
              executionToken: item.executionToken,
              mtReference: outcome.status === 'APPLIED' ? outcome.mtReference : '',
              mtRetcode: outcome.status === 'APPLIED' ? '0 Done' : (outcome.mtRetcode ?? ''),
              before: outcome.liveBefore ?? {},
              after: outcome.status === 'APPLIED' ? outcome.liveAfter : {},
              errorCode: outcome.status === 'APPLIED' ? '' : outcome.errorCode,
              errorMessage: outcome.status === 'APPLIED' ? '' : outcome.errorMessage,
              attempt: item.attempts,
            },
          },
          { actor: undefined, producer: 'gateway', aggregateId: item.operationId },
        ),
      );
      return true;
    });
    if (!recorded) {
      this.logger.warn(`item ${item.itemId} on ${item.serverId}: taken over by another instance, outcome ${outcome.status} of attempt ${item.attempts} dropped`);
      return;
    }
    this.messaging.publishSoon();
    if (outcome.status !== 'PENDING') this.logger.log(`item ${item.itemId} on ${item.serverId}: ${outcome.status}`);
  }
}
