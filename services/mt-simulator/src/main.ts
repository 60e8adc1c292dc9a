import { z } from 'zod';
import { loadConfig, portNumber } from '@tradewarden/config';
import {
  loadOrCreateSimulatorCertificate,
  mt4AdminTarget,
  mt5AdminTarget,
  startMt4Bridge,
  startSimulatorAdmin,
  startSimulatorCluster,
  type SimulatorServerOptions,
} from '@tradewarden/mt-simulator';

const MAIN_SERVER_ID = 'mt5-demo-1';
const TRADE_SERVER_ID = 'mt5-demo-2';
const MT4_SERVER_ID = 'mt4-demo-1';

const env = z.object({
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_PORT: portNumber,
  // A trade server (mt5-demo-2) beside the main server, sharing its groups and symbols (0 = none).
  SIMULATOR_TRADE_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SIMULATOR_MANAGER_LOGIN: z.string().regex(/^\d+$/, 'must be a numeric manager login'),
  SIMULATOR_MANAGER_PASSWORD: z.string({ required_error: 'is required (no default: a secret)' }).min(8, 'must be at least 8 characters'),
  SIMULATOR_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(16),
  // Where the self-signed certificate is kept (made on first start); clients trust or pin it.
  SIMULATOR_TLS_DIR: z.string().min(1, 'is required: a folder for the simulator certificate'),
  // Loopback control endpoint for faults and counters (0 = none).
  SIMULATOR_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SIMULATOR_ACCOUNTS: z.coerce.number().int().min(0).max(200000).default(2000),
  SIMULATOR_SEED: z.coerce.number().int().default(1),
  // An MT4 server behind the manager-bridge contract (gRPC) on this port (0 = none), and the key callers present.
  SIMULATOR_MT4_BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SIMULATOR_MT4_BRIDGE_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
}).superRefine((env, ctx) => {
  if (env.SIMULATOR_MT4_BRIDGE_PORT && !env.SIMULATOR_MT4_BRIDGE_KEY) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['SIMULATOR_MT4_BRIDGE_KEY'], message: 'is required when SIMULATOR_MT4_BRIDGE_PORT is set' });
  }
});

async function main(): Promise<void> {
  const config = loadConfig('mt-simulator', env);
  const certificate = await loadOrCreateSimulatorCertificate(config.SIMULATOR_TLS_DIR);
  const servers: SimulatorServerOptions[] = [
    { id: MAIN_SERVER_ID, port: config.SIMULATOR_PORT, main: true, generatedAccounts: config.SIMULATOR_ACCOUNTS },
  ];
  if (config.SIMULATOR_TRADE_SERVER_PORT) {
    // Its own login range from 650001 (the main server's runs 600001-650000) and fewer generated accounts.
    servers.push({ id: TRADE_SERVER_ID, port: config.SIMULATOR_TRADE_SERVER_PORT, main: false, firstLogin: 650_001, generatedAccounts: Math.min(config.SIMULATOR_ACCOUNTS, 1000) });
  }
  const cluster = await startSimulatorCluster({
    tls: certificate,
    host: config.SIMULATOR_HOST,
    servers,
    managers: [{ login: config.SIMULATOR_MANAGER_LOGIN, password: config.SIMULATOR_MANAGER_PASSWORD }],
    maxConnections: config.SIMULATOR_MAX_CONNECTIONS,
    seed: config.SIMULATOR_SEED,
  });
  const mt4 = config.SIMULATOR_MT4_BRIDGE_PORT
    ? await startMt4Bridge({
        host: config.SIMULATOR_HOST,
        port: config.SIMULATOR_MT4_BRIDGE_PORT,
        bridgeKey: config.SIMULATOR_MT4_BRIDGE_KEY!,
        generatedAccounts: Math.min(config.SIMULATOR_ACCOUNTS, 1000),
        seed: config.SIMULATOR_SEED + 1,
        // A bridge carries a bearer key: TLS with the simulator's certificate, as a real bridge on another host needs.
        tls: certificate,
      })
    : undefined;
  const adminTargets = [...cluster.servers.map(mt5AdminTarget), ...(mt4 ? [mt4AdminTarget(MT4_SERVER_ID, mt4)] : [])];
  const admin = config.SIMULATOR_ADMIN_PORT ? await startSimulatorAdmin(adminTargets, config.SIMULATOR_ADMIN_PORT) : undefined;
  if (admin) console.log(`mt-simulator: control endpoint on ${admin.url}`);
  if (mt4) console.log(`mt-simulator: MT4 manager bridge on ${mt4.address} (${mt4.state.accounts.size} accounts) as ${MT4_SERVER_ID}`);
  for (const server of cluster.servers) {
    console.log(`mt-simulator: MT5 Web API on ${server.webApiUrl} as ${server.id} (${server.role} server, ${server.state.accounts.size} accounts)`);
  }
  console.log(`mt-simulator: certificate SHA-256 ${certificate.fingerprint256}`);
  const shutdown = () => {
    void Promise.all([cluster.stop(), admin?.close(), mt4?.stop()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
});
