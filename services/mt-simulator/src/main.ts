import { z } from 'zod';
import { loadConfig, portNumber } from '@tradewarden/config';
import { loadOrCreateSimulatorCertificate, startMt4Bridge, startSimulator, startSimulatorAdmin } from '@tradewarden/mt-simulator';

const env = z.object({
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_PORT: portNumber,
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
  const simulator = await startSimulator({
    tls: certificate,
    host: config.SIMULATOR_HOST,
    port: config.SIMULATOR_PORT,
    managers: [{ login: config.SIMULATOR_MANAGER_LOGIN, password: config.SIMULATOR_MANAGER_PASSWORD }],
    maxConnections: config.SIMULATOR_MAX_CONNECTIONS,
    generatedAccounts: config.SIMULATOR_ACCOUNTS,
    seed: config.SIMULATOR_SEED,
  });
  const admin = config.SIMULATOR_ADMIN_PORT ? await startSimulatorAdmin(simulator, config.SIMULATOR_ADMIN_PORT) : undefined;
  if (admin) console.log(`mt-simulator: control endpoint on ${admin.url}`);
  const mt4 = config.SIMULATOR_MT4_BRIDGE_PORT
    ? await startMt4Bridge({
        host: config.SIMULATOR_HOST,
        port: config.SIMULATOR_MT4_BRIDGE_PORT,
        bridgeKey: config.SIMULATOR_MT4_BRIDGE_KEY!,
        generatedAccounts: Math.min(config.SIMULATOR_ACCOUNTS, 1000),
        seed: config.SIMULATOR_SEED + 1,
      })
    : undefined;
  if (mt4) console.log(`mt-simulator: MT4 manager bridge on ${mt4.address} (${mt4.state.accounts.size} accounts)`);
  console.log(
    `mt-simulator: MT5 Web API on ${simulator.webApiUrl} (${simulator.state.accounts.size} demo accounts), ` +
      `certificate SHA-256 ${certificate.fingerprint256}`,
  );
  const shutdown = () => {
    void Promise.all([simulator.stop(), admin?.close(), mt4?.stop()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
});
