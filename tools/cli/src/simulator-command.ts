import type { PlatformEndpoints } from '@tradewarden/platform-runtime';

const FLAGS: Record<string, { field: string; kind: 'rate' | 'ms' | 'list' | 'int' }> = {
  '--latency-ms': { field: 'latencyMs.base', kind: 'ms' },
  '--jitter-ms': { field: 'latencyMs.jitter', kind: 'ms' },
  '--error-rate': { field: 'errorRate', kind: 'rate' },
  '--error-retcode': { field: 'errorRetcode', kind: 'int' },
  '--drop-rate': { field: 'dropRate', kind: 'rate' },
  '--stall-rate': { field: 'stallRate', kind: 'rate' },
  '--lost-answer-rate': { field: 'lostAnswerRate', kind: 'rate' },
  '--paths': { field: 'paths', kind: 'list' },
};

export const SIMULATOR_USAGE = `  simulator servers                 the simulated servers: id, platform, role (main, trade, bridge), address
  simulator stats                   what a simulated server counted (connections, stalls, lost answers, deals)
  simulator faults                  show the faults in force
  simulator faults [options]        change them: --latency-ms N --jitter-ms N --error-rate R --error-retcode C
                                    --drop-rate R --stall-rate R --lost-answer-rate R --paths /api/a,/api/b
  simulator faults --reset          back to no faults
                                    stats and faults take --server <id> (default: the main MT5 server mt5-demo-1)`;

/** Takes `--server <id>` out of the arguments (wherever it is); the rest are the command's own. */
export function extractServerOption(args: readonly string[]): { server?: string; rest: string[] } {
  const index = args.indexOf('--server');
  if (index < 0) return { rest: [...args] };
  const server = args[index + 1];
  if (server === undefined || server.startsWith('--')) throw new Error('--server needs a server id (see `simulator servers`)');
  return { server, rest: [...args.slice(0, index), ...args.slice(index + 2)] };
}

/** Turns `--lost-answer-rate 0.1 --latency-ms 2` into the simulator's fault settings; throws naming a bad option. */
export function parseFaultOptions(args: readonly string[], current: { latencyMs: { base: number; jitter: number } }): Record<string, unknown> {
  if (args.length === 1 && args[0] === '--reset') return { reset: true };
  const settings: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const spec = FLAGS[flag];
    if (!spec) throw new Error(`unknown option ${flag}`);
    const raw = args[i + 1];
    if (raw === undefined) throw new Error(`${flag} needs a value`);
    if (spec.kind === 'list') {
      settings[spec.field] = raw.split(',').map((path) => path.trim()).filter(Boolean);
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${flag}: "${raw}" is not a non-negative number`);
    if (spec.kind === 'rate' && value > 1) throw new Error(`${flag}: a rate is from 0 to 1`);
    if (spec.field.startsWith('latencyMs.')) {
      const latency = (settings['latencyMs'] as { base: number; jitter: number } | undefined) ?? { ...current.latencyMs };
      latency[spec.field.endsWith('base') ? 'base' : 'jitter'] = value;
      settings['latencyMs'] = latency;
    } else settings[spec.field] = value;
  }
  return settings;
}

export async function simulatorCommand(endpoints: PlatformEndpoints | undefined, args: readonly string[]): Promise<string> {
  if (!endpoints?.simulator.admin) throw new Error('the platform is not running here (start it with `npm start`)');
  const [sub, ...options] = args;
  const { server, rest } = extractServerOption(options);
  const admin = endpoints.simulator.admin;
  const request = async (path: string, init?: RequestInit) => {
    const query = server === undefined ? '' : `?server=${encodeURIComponent(server)}`;
    const response = await fetch(`${admin}${path}${query}`, init);
    const body = await response.text();
    if (!response.ok) throw new Error(`simulator: ${body.trim()}`);
    return body.trim();
  };
  if (sub === 'servers' && options.length === 0) return request('/servers');
  if (sub === 'stats' && rest.length === 0) return request('/stats');
  if (sub === 'faults' && rest.length === 0) return request('/faults');
  if (sub === 'faults') {
    const current = JSON.parse(await request('/faults')) as { latencyMs: { base: number; jitter: number } };
    return request('/faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parseFaultOptions(rest, current)) });
  }
  throw new Error(`unknown simulator command "${args.join(' ')}"`);
}
