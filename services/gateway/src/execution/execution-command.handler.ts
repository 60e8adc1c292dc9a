import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsumedEvent, ConsumedEventHandler } from '@tradewarden/messaging';
import { operationV1 } from '@tradewarden/proto';
import { executionToken, orderingKey } from './execution-rules';
import { ExecutionOwnership } from './execution-ownership.service';
import { ExecutorService } from './executor.service';

/**
 * Consumes ExecutionRequested: records every approved item in the execution ledger (in the consumer's transaction,
 * so the command is marked processed only together with its ledger rows). The executor applies them from there, on
 * the instance that holds the partition the command arrived on (commands are keyed by server id).
 */
@Injectable()
export class ExecutionCommandHandler implements ConsumedEventHandler {
  constructor(
    private readonly executor: ExecutorService,
    private readonly ownership: ExecutionOwnership,
  ) {}

  /** After every rebalance: the whole new assignment (kafkajs rebalances eagerly). */
  partitionsAssigned(assignment: Record<string, number[]>): void {
    this.ownership.assign(Object.values(assignment).flat());
  }

  /** The consumer crashed or stopped: it may hold no partition any more. */
  partitionsRevoked(): void {
    this.ownership.revokeAll();
  }

  async handle({ envelope, partition }: ConsumedEvent, manager: EntityManager): Promise<void> {
    const command = envelope.executionRequested;
    if (!command) return;
    for (const item of command.items) {
      await manager.query(
        `INSERT INTO execution_items
           (item_id, operation_id, server_id, operation_type, plan_digest, plan, execution_token, traceparent, account_key, submitted_by, kafka_partition, status, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'PENDING', 0)
         ON CONFLICT (item_id) DO NOTHING`,
        [
          item.itemId,
          command.operationId,
          command.serverId,
          command.operationType,
          command.planDigest,
          JSON.stringify(operationV1.ItemPlan.toJSON(item)),
          executionToken(item.itemId),
          envelope.traceparent || null,
          orderingKey(item.change) ?? `item:${item.itemId}`,
          command.submittedBy,
          partition,
        ],
      );
    }
    this.executor.wake();
  }
}
