import type { PoolStats } from '../pool/mt-server-pool';
import { poolObservations } from './pool-metrics';

const pool = (fields: Partial<PoolStats>): PoolStats => ({
  serverId: 'mt5-demo-1',
  max: 3,
  open: 2,
  inUse: 1,
  idle: 1,
  waiting: 4,
  requests: 120,
  errors: 2,
  reconnects: 1,
  breaker: 'closed',
  latencyMs: { count: 120, mean: 3, p99: 17, max: 40 },
  ...fields,
});

describe('pool metrics', () => {
  it('reports connections by state against the cap, per server', () => {
    const points = poolObservations([pool({}), pool({ serverId: 'mt4-demo-1', inUse: 2, idle: 0, breaker: 'open' })]);
    const value = (gauge: string, server: string, extra: Record<string, string> = {}) =>
      points.find((point) => point.gauge === gauge && point.attributes['tradewarden.server.id'] === server && Object.entries(extra).every(([key, wanted]) => point.attributes[key] === wanted))?.value;
    expect(value('connections', 'mt5-demo-1', { state: 'in_use' })).toBe(1);
    expect(value('connections', 'mt5-demo-1', { state: 'idle' })).toBe(1);
    expect(value('connectionsMax', 'mt5-demo-1')).toBe(3);
    expect(value('waiting', 'mt5-demo-1')).toBe(4);
    expect(value('breakerOpen', 'mt5-demo-1')).toBe(0);
    expect(value('breakerOpen', 'mt4-demo-1', { breaker: 'open' })).toBe(1);
    expect(value('latencyP99', 'mt5-demo-1')).toBe(17);
    expect(value('requests', 'mt5-demo-1')).toBe(120);
    expect(value('connections', 'mt4-demo-1', { state: 'in_use' })).toBe(2);
  });

  it('reports nothing without open pools', () => {
    expect(poolObservations([])).toEqual([]);
  });
});
