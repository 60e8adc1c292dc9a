import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { MtBalanceType } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount } from '@tradewarden/money';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import { withSpan, extractTraceContext } from '@tradewarden/telemetry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-errors';
import { MtRetcodeError, MtTransportError } from '../mt5/mt5-errors';
import type { MtAccountState, MtConnector } from '../mt/mt-connector';
import { ServerRegistryService } from '../registry/server-registry.service';
import { ExecutionItemRow, type ExecutionStatus } from './execution-item.entity';
import { afterUnconfirmedAttempt, driftedFields } from './execution-rules';

type Outcome =
  | { status: 'APPLIED'; mtReference: string; liveBefore: Record<string, string>; liveAfter: Record<string, string> }
  | { status: 'FAILED' | 'DRIFTED'; errorCode: string; errorMessage: string; mtRetcode?: string; liveBefore?: Record<string, string> }
  | { status: 'PENDING'; delayMs: number; errorMessage: string };

function accountSnapshot(account: MtAccountState): Record<string, string> {
  return {
    login: account.login,
    group: account.group,
    currency: account.currency,
    balance: account.balance.format(account.currencyDigits),
  };
}

/**
 * Works the execution ledger: claims PENDING items one at a time (oldest first, so an account's changes keep their
 * order), re-reads live state and refuses drifted items, applies the change tagged with the item's execution token,
 * verifies it in the deal history, and records the outcome with its ItemExecuted event in one transaction.
 * An item left IN_PROGRESS by a crash is resolved through the deal history before anything is sent again.
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Items a crashed instance left mid-call: their outcome is unknown until the deal history is checked.
    const recovered = await this.dataSource.query(
      `UPDATE execution_items SET status = 'PENDING', error_message = 'resumed after restart: checking deal history first'
        WHERE status = 'IN_PROGRESS' RETURNING item_id`,
    );
    if (recovered[0]?.length) this.logger.warn(`resuming ${recovered[0].length} item(s) left in progress`);
    this.running = true;
    this.loops = Array.from({ length: this.config.execution.concurrency }, () => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
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
    // The oldest due item whose account has no earlier unfinished item: several executors work in parallel (bounded
    // per server by its pool), while each account's changes are applied one at a time, in approval order.
    const [rows] = (await this.dataSource.query(
      `WITH candidate AS (
         SELECT i.item_id FROM execution_items i
          WHERE i.status = 'PENDING' AND (i.not_before IS NULL OR i.not_before <= now())
            AND NOT EXISTS (
              SELECT 1 FROM execution_items e
               WHERE e.server_id = i.server_id AND e.account_key = i.account_key AND e.seq < i.seq
                 AND e.status IN ('PENDING', 'IN_PROGRESS'))
          ORDER BY i.seq
          LIMIT 1
          FOR UPDATE SKIP LOCKED)
       UPDATE execution_items SET status = 'IN_PROGRESS', attempts = attempts + 1, updated_at = now()
        WHERE item_id = (SELECT item_id FROM candidate)
        RETURNING item_id`,
    )) as [{ item_id: string }[], number];
    const claimedId = rows[0]?.item_id;
    if (!claimedId) return false;
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
    return true;
  }

  private async execute(item: ExecutionItemRow, plan: operationV1.ItemPlan): Promise<Outcome> {
    const deposit = plan.spec?.balanceDeposit;
    if (item.operationType !== 'balance.deposit' || !deposit?.amount) {
      return { status: 'FAILED', errorCode: 'UNSUPPORTED_OPERATION', errorMessage: `the gateway cannot execute ${item.operationType} yet` };
    }
    let connector: MtConnector;
    let live: MtAccountState;
    try {
      connector = await this.registry.connector(item.serverId);
      live = await connector.getAccount(deposit.login);
    } catch (error) {
      if (error instanceof GatewayError) return { status: 'FAILED', errorCode: error.code, errorMessage: error.message };
      if (error instanceof MtRetcodeError && error.notFound) {
        return { status: 'FAILED', errorCode: 'ACCOUNT_NOT_FOUND', errorMessage: `account ${deposit.login} no longer exists`, mtRetcode: `${error.code} ${error.text}` };
      }
      return this.unconfirmed(item, false, `reading live state failed: ${String(error)}`);
    }
    const liveBefore = accountSnapshot(live);
    const drifted = driftedFields(item.operationType, plan.before, liveBefore);
    if (drifted.length > 0) {
      return {
        status: 'DRIFTED',
        errorCode: 'BEFORE_STATE_DRIFTED',
        errorMessage: `live ${drifted.join(', ')} differ from what was approved (${drifted.map((f) => `${f}: ${plan.before[f]} -> ${liveBefore[f]}`).join('; ')})`,
        liveBefore,
      };
    }
    const amount = DecimalAmount.parse(deposit.amount.amount, 8);
    if (item.attempts > 1) {
      // An earlier attempt may have reached the server: its token in the deal history settles it.
      const earlier = await this.findByToken(connector, deposit.login, item);
      if (earlier === 'unknown') return this.unconfirmed(item, false, 'deal history unavailable');
      if (earlier) return this.applied(connector, deposit.login, item, amount, liveBefore);
    }
    try {
      await connector.balanceOperation(deposit.login, MtBalanceType.BALANCE, amount, item.executionToken);
    } catch (error) {
      if (error instanceof MtRetcodeError) {
        return { status: 'FAILED', errorCode: 'MT_REJECTED', errorMessage: error.message, mtRetcode: `${error.code} ${error.text}`, liveBefore };
      }
      if (error instanceof MtTransportError) {
        const found = await this.findByToken(connector, deposit.login, item);
        if (found === 'unknown') return this.unconfirmed(item, false, `outcome unknown: ${error.message}`);
        if (found) return this.applied(connector, deposit.login, item, amount, liveBefore);
        return this.unconfirmed(item, false, `not applied: ${error.message}`);
      }
      throw error;
    }
    return this.applied(connector, deposit.login, item, amount, liveBefore);
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
  private async applied(
    connector: MtConnector,
    login: string,
    item: ExecutionItemRow,
    amount: DecimalAmount,
    liveBefore: Record<string, string>,
  ): Promise<Outcome> {
    const deals = (await connector.balanceDealsSince(login, new Date(item.createdAt.getTime() - 60_000))).filter(
      (deal) => deal.comment === item.executionToken,
    );
    if (deals.length !== 1 || deals[0]!.amount.compare(amount) !== 0) {
      return {
        status: 'FAILED',
        errorCode: 'VERIFICATION_MISMATCH',
        errorMessage: `expected one deal of ${amount.toString()} tagged ${item.executionToken}, found ${deals.map((d) => `${d.ticket}:${d.amount.toString()}`).join(', ') || 'none'}`,
        liveBefore,
      };
    }
    const after = await connector.getAccount(login);
    return { status: 'APPLIED', mtReference: deals[0]!.ticket, liveBefore, liveAfter: accountSnapshot(after) };
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
    await this.dataSource.transaction(async (manager) => {
      const status: ExecutionStatus = outcome.status;
      await manager.update(ExecutionItemRow, { itemId: item.itemId }, {
        status,
        mtReference: outcome.status === 'APPLIED' ? outcome.mtReference : null,
        mtRetcode: 'mtRetcode' in outcome ? (outcome.mtRetcode ?? null) : null,
        liveBefore: 'liveBefore' in outcome ? (outcome.liveBefore ?? null) : null,
        liveAfter: outcome.status === 'APPLIED' ? outcome.liveAfter : null,
        errorCode: 'errorCode' in outcome ? outcome.errorCode : null,
        errorMessage: 'errorMessage' in outcome ? outcome.errorMessage : null,
        notBefore: outcome.status === 'PENDING' ? new Date(Date.now() + outcome.delayMs) : null,
      });
      if (outcome.status === 'PENDING') return;
      const itemStatus = {
        APPLIED: operationV1.ItemStatus.ITEM_STATUS_APPLIED,
        FAILED: operationV1.ItemStatus.ITEM_STATUS_FAILED,
        DRIFTED: operationV1.ItemStatus.ITEM_STATUS_DRIFTED,
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
    });
    this.messaging.publishSoon();
    if (outcome.status !== 'PENDING') this.logger.log(`item ${item.itemId} on ${item.serverId}: ${outcome.status}`);
  }
}
