import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { tradewardenMeter } from '@tradewarden/telemetry';
import type { PoolStats } from '../pool/mt-server-pool';
import { ServerRegistryService } from './server-registry.service';

export type PoolGauge = 'connections' | 'connectionsMax' | 'waiting' | 'breakerOpen' | 'latencyP99' | 'requests' | 'errors' | 'reconnects';

export interface PoolObservation {
  gauge: PoolGauge;
  value: number;
  attributes: Record<string, string>;
}

/** What the pools say, as metric points: connections by state against the cap, queueing, breaker, latency, totals. */
export function poolObservations(pools: readonly PoolStats[]): PoolObservation[] {
  return pools.flatMap((pool) => {
    const server = { 'tradewarden.server.id': pool.serverId };
    return [
      { gauge: 'connections' as const, value: pool.inUse, attributes: { ...server, state: 'in_use' } },
      { gauge: 'connections' as const, value: pool.idle, attributes: { ...server, state: 'idle' } },
      { gauge: 'connectionsMax' as const, value: pool.max, attributes: server },
      { gauge: 'waiting' as const, value: pool.waiting, attributes: server },
      { gauge: 'breakerOpen' as const, value: pool.breaker === 'closed' ? 0 : 1, attributes: { ...server, breaker: pool.breaker } },
      { gauge: 'latencyP99' as const, value: pool.latencyMs.p99, attributes: server },
      { gauge: 'requests' as const, value: pool.requests, attributes: server },
      { gauge: 'errors' as const, value: pool.errors, attributes: server },
      { gauge: 'reconnects' as const, value: pool.reconnects, attributes: server },
    ];
  });
}

/** Exports the gateway's connection pools as OpenTelemetry metrics, read from the pools at each export. */
@Injectable()
export class PoolMetrics implements OnApplicationBootstrap {
  constructor(private readonly registry: ServerRegistryService) {}

  onApplicationBootstrap(): void {
    const meter = tradewardenMeter();
    const instruments = {
      connections: meter.createObservableGauge('tradewarden.gateway.pool.connections', { description: 'Open MT manager connections by state', unit: '{connection}' }),
      connectionsMax: meter.createObservableGauge('tradewarden.gateway.pool.connections.max', { description: 'The connection cap of the server', unit: '{connection}' }),
      waiting: meter.createObservableGauge('tradewarden.gateway.pool.waiting', { description: 'Calls waiting for a connection or the request-rate limit', unit: '{call}' }),
      breakerOpen: meter.createObservableGauge('tradewarden.gateway.pool.breaker_open', { description: '1 while the circuit breaker keeps calls from the server' }),
      latencyP99: meter.createObservableGauge('tradewarden.gateway.mt.latency.p99', { description: 'p99 of the last 1,024 MT calls', unit: 'ms' }),
      requests: meter.createObservableCounter('tradewarden.gateway.mt.requests', { description: 'MT calls made', unit: '{call}' }),
      errors: meter.createObservableCounter('tradewarden.gateway.mt.errors', { description: 'MT calls that failed on the connection or the server', unit: '{call}' }),
      reconnects: meter.createObservableCounter('tradewarden.gateway.pool.reconnects', { description: 'Connections opened again after a failure', unit: '{connection}' }),
    };
    meter.addBatchObservableCallback((observer) => {
      for (const point of poolObservations(this.registry.poolStats())) observer.observe(instruments[point.gauge], point.value, point.attributes);
    }, Object.values(instruments));
  }
}
