import { createServer, type Server } from 'node:http';
import type { RunningSimulator } from './simulator';

/**
 * The simulator's control endpoint (loopback only; it is a test tool): read and change the faults it shows, and read
 * what it counted. `npx tradewarden simulator faults|stats` uses it.
 *
 *   GET /faults          current fault settings
 *   PUT /faults          JSON with any fault fields to change ({"reset": true} restores none)
 *   GET /stats           connections (open, peak, refused), stalled requests, lost answers, accounts, deals
 */
export function startSimulatorAdmin(simulator: RunningSimulator, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    const path = new URL(request.url ?? '/', 'http://admin').pathname;
    if (path === '/faults' && request.method === 'GET') return reply(200, simulator.faults());
    if (path === '/stats' && request.method === 'GET') {
      const state = simulator.state;
      return reply(200, {
        openConnections: state.openConnections,
        peakConnections: state.peakConnections,
        ...state.counters,
        accounts: state.accounts.size,
        deals: state.deals.length,
        positions: state.positions.size,
      });
    }
    if (path === '/faults' && request.method === 'PUT') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
          if (body['reset'] === true) simulator.resetFaults();
          else simulator.setFaults(body);
          reply(200, simulator.faults());
        } catch (error) {
          reply(400, { error: (error as Error).message });
        }
      });
      return;
    }
    reply(404, { error: `no ${request.method} ${path}; try GET /faults, PUT /faults, GET /stats` });
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
