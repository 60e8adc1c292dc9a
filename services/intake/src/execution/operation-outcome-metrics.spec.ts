import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { DataSource, EntityManager, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OperationOutcomeMetrics } from './operation-outcome-metrics';

describe('operation outcome metrics', () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });

  beforeAll(() => metrics.setGlobalMeterProvider(provider));
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  async function counted(): Promise<Record<string, number>> {
    await reader.forceFlush();
    const totals: Record<string, number> = {};
    for (const resource of exporter.getMetrics()) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics.filter((candidate) => candidate.descriptor.name === 'tradewarden.operations.finished')) {
          for (const point of metric.dataPoints) totals[`${String(point.attributes['tradewarden.operation.type'])}/${String(point.attributes['tradewarden.operation.status'])}`] = point.value as number;
        }
      }
    }
    exporter.reset();
    return totals;
  }

  const runner = () => ({ isTransactionActive: true }) as unknown as QueryRunner;
  const managerOf = (queryRunner: QueryRunner | undefined) => ({ queryRunner }) as unknown as EntityManager;

  it('counts an outcome when its transaction commits, never when it rolls back', async () => {
    const dataSource = { subscribers: [] } as unknown as DataSource;
    const outcomes = new OperationOutcomeMetrics(dataSource);
    outcomes.onModuleInit();
    expect(dataSource.subscribers).toContain(outcomes);

    const committed = runner();
    outcomes.finishedIn(managerOf(committed), { operationType: 'balance.deposit', status: 'COMPLETED' });
    outcomes.finishedIn(managerOf(committed), { operationType: 'balance.deposit', status: 'COMPLETED' });
    expect(await counted()).toEqual({});
    outcomes.afterTransactionCommit({ queryRunner: committed } as TransactionCommitEvent);

    // A transaction rolled back (then retried for a redelivered event) counts nothing; the retry counts once.
    const failed = runner();
    outcomes.finishedIn(managerOf(failed), { operationType: 'balance.withdrawal', status: 'FAILED' });
    outcomes.afterTransactionRollback({ queryRunner: failed } as TransactionRollbackEvent);
    const retried = runner();
    outcomes.finishedIn(managerOf(retried), { operationType: 'balance.withdrawal', status: 'FAILED' });
    outcomes.afterTransactionCommit({ queryRunner: retried } as TransactionCommitEvent);
    // A commit that did not move an operation to a final status counts nothing.
    outcomes.afterTransactionCommit({ queryRunner: runner() } as TransactionCommitEvent);

    expect(await counted()).toEqual({ 'balance.deposit/COMPLETED': 2, 'balance.withdrawal/FAILED': 1 });
  });

  it('counts at once outside a transaction', async () => {
    const outcomes = new OperationOutcomeMetrics({ subscribers: [] } as unknown as DataSource);
    outcomes.finishedIn(managerOf(undefined), { operationType: 'group.set_leverage', status: 'CANCELLED' });
    expect((await counted())['group.set_leverage/CANCELLED']).toBe(1);
  });
});
