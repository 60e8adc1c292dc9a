import { createServer, type Server } from 'node:http';
import { NO_FAULTS, parseFaultSettings, type FaultSettings } from './faults';
import type { RunningMt4Bridge } from './mt4-bridge-server';
import type { RunningSimulator } from './simulator';

/** A simulated server the control endpoint can steer: an MT5 server of the cluster or the MT4 bridge. */
export interface SimulatorAdminTarget {
  id: string;
  platform: 'mt5' | 'mt4';
  role: 'main' | 'trade' | 'bridge';
  /** Where clients reach it: the Web API URL (MT5) or the bridge's host:port (MT4). */
  address: string;
  faults(): FaultSettings;
  setFaults(settings: Partial<FaultSettings>): void;
  resetFaults(): void;
  stats(): Record<string, number>;
}

export function mt5AdminTarget(server: RunningSimulator): SimulatorAdminTarget {
  return {
    id: server.id,
    platform: 'mt5',
    role: server.role,
    address: server.webApiUrl,
    faults: () => server.faults(),
    setFaults: (settings) => server.setFaults(settings),
    resetFaults: () => server.resetFaults(),
    stats: () => ({ ...server.stats() }),
  };
}

/**
 * The MT4 bridge as a target. The bridge takes fault changes but does not tell its settings, so this target keeps the
 * settings it applied: exact as long as faults change only through here, as in the simulator process.
 */
export function mt4AdminTarget(id: string, bridge: RunningMt4Bridge): SimulatorAdminTarget {
  let applied: FaultSettings = NO_FAULTS;
  const apply = (settings: Partial<FaultSettings>) => {
    const next = parseFaultSettings(settings, applied, '/');
    bridge.setFaults(next);
    applied = next;
  };
  return {
    id,
    platform: 'mt4',
    role: 'bridge',
    address: bridge.address,
    faults: () => applied,
    setFaults: apply,
    resetFaults: () => apply(NO_FAULTS),
    stats: () => ({
      // For the bridge, connections are the calls in flight.
      openConnections: bridge.state.openConnections,
      peakConnections: bridge.state.peakConnections,
      ...bridge.state.counters,
      accounts: bridge.state.accounts.size,
      deals: bridge.state.deals.length,
      positions: bridge.state.positions.size,
    }),
  };
}

/**
 * The simulator's control endpoint (loopback only; it is a test tool): read and change the faults each simulated server
 * shows, and read what it counted. `npx tradewarden simulator servers|faults|stats` uses it. `server` defaults to the
 * first MT5 server, so callers that know of one server only keep working.
 *
 *   GET /servers                  id, platform, role (main, trade, bridge) and address of every server
 *   GET /faults[?server=<id>]     current fault settings
 *   PUT /faults[?server=<id>]     JSON with any fault fields to change ({"reset": true} restores none)
 *   GET /stats[?server=<id>]      connections (open, peak, refused), stalled requests, lost answers, accounts, deals
 */
export function startSimulatorAdmin(targets: readonly SimulatorAdminTarget[], port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    const url = new URL(request.url ?? '/', 'http://admin');
    const path = url.pathname;
    if (path === '/servers' && request.method === 'GET') {
      return reply(
        200,
        targets.map((target) => ({ id: target.id, platform: target.platform, role: target.role, address: target.address })),
      );
    }
    const id = url.searchParams.get('server');
    const target = id === null ? targets.find((candidate) => candidate.platform === 'mt5') : targets.find((candidate) => candidate.id === id);
    if ((path === '/faults' || path === '/stats') && !target) {
      return reply(404, { error: `no simulated server ${id ?? '(MT5)'}; there are ${targets.map((candidate) => candidate.id).join(', ')}` });
    }
    if (path === '/faults' && request.method === 'GET') return reply(200, target!.faults());
    if (path === '/stats' && request.method === 'GET') return reply(200, target!.stats());
    if (path === '/faults' && request.method === 'PUT') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
          if (body['reset'] === true) target!.resetFaults();
          else target!.setFaults(body);
          reply(200, target!.faults());
        } catch (error) {
          reply(400, { error: (error as Error).message });
        }
      });
      return;
    }
    reply(404, { error: `no ${request.method} ${path}; try GET /servers, GET /faults, PUT /faults, GET /stats (each with ?server=<id>)` });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
