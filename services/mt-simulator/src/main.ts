import { z } from 'zod';
import { loadConfig, portNumber } from '@tradewarden/config';
import { loadOrCreateSimulatorCertificate, startSimulator, startSimulatorAdmin } from '@tradewarden/mt-simulator';

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
  console.log(
    `mt-simulator: MT5 Web API on ${simulator.webApiUrl} (${simulator.state.accounts.size} demo accounts), ` +
      `certificate SHA-256 ${certificate.fingerprint256}`,
  );
  const shutdown = () => {
    void Promise.all([simulator.stop(), admin?.close()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(String(error instanceof Error ? error.message : error));
  process.exit(1);
});
