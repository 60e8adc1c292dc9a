import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';
import { mt4AdminTarget, mt5AdminTarget, startSimulatorAdmin } from './admin-server';
import { NO_FAULTS, type FaultSettings } from './faults';
import type { RunningMt4Bridge } from './mt4-bridge-server';
import { startSimulatorCluster, type RunningSimulatorCluster } from './simulator';
import { SimulatorState } from './simulator-state';
import { WebApiTestClient } from './webapi-test-client';

const MANAGER = { login: '1000', password: 'Manager-pass-1' };

describe('simulator control endpoint', () => {
  let cluster: RunningSimulatorCluster;
  let admin: { url: string; close(): Promise<void> };
  const bridgeFaults: Partial<FaultSettings>[] = [];
  const bridge: RunningMt4Bridge = {
    address: '127.0.0.1:1',
    state: new SimulatorState(),
    setFaults: (settings) => bridgeFaults.push(settings),
    stop: () => Promise.resolve(),
  };

  const adminCall = async (path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${admin.url}${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const putFaults = (query: string, body: unknown) => adminCall(`/faults${query}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    cluster = await startSimulatorCluster({
      host: '127.0.0.1',
      servers: [
        { id: 'mt5-demo-1', port: 0, main: true, generatedAccounts: 10 },
        { id: 'mt5-demo-2', port: 0, main: false, generatedAccounts: 4 },
      ],
      managers: [MANAGER],
      maxConnections: 4,
    });
    admin = await startSimulatorAdmin([...cluster.servers.map(mt5AdminTarget), mt4AdminTarget('mt4-demo-1', bridge)], 0);
  });

  afterAll(async () => {
    await admin.close();
    await cluster.stop();
  });

  it('lists the servers with platform, role and address', async () => {
    const servers = (await adminCall('/servers')).body as unknown as Record<string, string>[];
    expect(servers).toEqual([
      { id: 'mt5-demo-1', platform: 'mt5', role: 'main', address: cluster.main.webApiUrl },
      { id: 'mt5-demo-2', platform: 'mt5', role: 'trade', address: cluster.server('mt5-demo-2').webApiUrl },
      { id: 'mt4-demo-1', platform: 'mt4', role: 'bridge', address: '127.0.0.1:1' },
    ]);
  });

  it('sets faults on the server named, and only there', async () => {
    expect((await putFaults('?server=mt5-demo-2', { errorRate: 1, errorRetcode: MtRetcode.ERR_FREQUENT })).status).toBe(200);
    const main = new WebApiTestClient(cluster.main.webApiUrl);
    const trade = new WebApiTestClient(cluster.server('mt5-demo-2').webApiUrl);
    try {
      await main.authenticate(MANAGER.login, MANAGER.password);
      await trade.authenticate(MANAGER.login, MANAGER.password);
      expect((await trade.call('/api/user/get', { login: '510001' })).code).toBe(MtRetcode.ERR_FREQUENT);
      expect((await main.call('/api/user/get', { login: '500001' })).code).toBe(0);
    } finally {
      main.close();
      trade.close();
    }
    // Without ?server= the first MT5 server answers, as before there were several.
    expect((await adminCall('/faults')).body).toMatchObject({ errorRate: 0 });
    expect((await adminCall('/faults?server=mt5-demo-2')).body).toMatchObject({ errorRate: 1 });
    expect((await putFaults('?server=mt5-demo-2', { reset: true })).body).toEqual(NO_FAULTS);
  });

  it('counts per server', async () => {
    const stats = async (query: string) => (await adminCall(`/stats${query}`)).body;
    expect(await stats('')).toMatchObject({ accounts: 15 });
    expect(await stats('?server=mt5-demo-2')).toMatchObject({ accounts: 7, refusedConnections: 0 });
    expect(await stats('?server=mt4-demo-1')).toMatchObject({ accounts: 0 });
  });

  it('passes MT4 faults to the bridge with its own path prefix, and remembers them', async () => {
    expect((await putFaults('?server=mt4-demo-1', { dropRate: 0.5, paths: ['/Balance'] })).status).toBe(200);
    expect(bridgeFaults.at(-1)).toMatchObject({ dropRate: 0.5, paths: ['/Balance'] });
    expect((await adminCall('/faults?server=mt4-demo-1')).body).toMatchObject({ dropRate: 0.5 });
    expect((await putFaults('?server=mt4-demo-1', { paths: ['Balance'] })).status).toBe(400);
  });

  it('answers 404 for an unknown server', async () => {
    expect((await adminCall('/stats?server=mt5-demo-9')).status).toBe(404);
  });
});
