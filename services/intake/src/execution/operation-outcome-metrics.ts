import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import { tradewardenMeter } from '@tradewarden/telemetry';

interface Outcome {
  operationType: string;
  status: string;
}

/**
 * Counts operations reaching a final status (tradewarden.operations.finished, by type and status) once the transaction
 * that moved them commits: a transaction rolled back and retried (a redelivered event) counts once, not twice.
 */
@Injectable()
export class OperationOutcomeMetrics implements EntitySubscriberInterface, OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, Outcome[]>();
  private readonly finished = tradewardenMeter().createCounter('tradewarden.operations.finished', { description: 'Operations that reached a final status', unit: '{operation}' });

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    // TypeORM tells its subscribers about commits; this one only listens for transactions, never for entities.
    this.dataSource.subscribers.push(this);
  }

  /** Counts the outcome when the transaction of `manager` commits (at once outside a transaction). */
  finishedIn(manager: EntityManager, outcome: Outcome): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      this.count(outcome);
      return;
    }
    const outcomes = this.pending.get(runner) ?? [];
    outcomes.push(outcome);
    this.pending.set(runner, outcomes);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    for (const outcome of this.pending.get(event.queryRunner) ?? []) this.count(outcome);
    this.pending.delete(event.queryRunner);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }

  private count(outcome: Outcome): void {
    this.finished.add(1, { 'tradewarden.operation.type': outcome.operationType, 'tradewarden.operation.status': outcome.status });
  }
}
