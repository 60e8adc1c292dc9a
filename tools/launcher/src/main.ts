import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDatabase, provisionRuntimeRole, provisionServiceSchema } from '@tradewarden/database';
import { checkHealth } from '@tradewarden/grpc';
import {
  assertPortFree,
  demoRealm,
  PrerequisiteError,
  requireJavaAndMaven,
  startKafka,
  startKeycloak,
  startPostgres,
  waitFor,
  workspaceRoot,
} from '@tradewarden/local-infra';
import { removeRuntimeFile, SERVICE_NAMES, webApiAnswers, writeRuntimeFile, type PlatformEndpoints, type ServiceName } from '@tradewarden/platform-runtime';
import { loadOrCreateDemoSecrets } from './demo-secrets';
import { loadLauncherConfig, type LauncherConfig } from './launcher-config';

const SIMULATOR_SERVER_ID = 'mt5-demo-1';
// A trade server of the same MT5 cluster: the main server's groups and symbols, accounts of its own.
const TRADE_SERVER_ID = 'mt5-demo-2';
const SIMULATOR_MANAGER_LOGIN = '1000';
// The simulator's demo manager credentials are documented in the README (demo only, like the realm's users).
const SIMULATOR_MANAGER_PASSWORD = 'Mt5-sim-demo-1000';
const MT4_SERVER_ID = 'mt4-demo-1';
const MT4_BRIDGE_KEY = 'Mt4-bridge-demo-key';
const DATABASE_NAME = 'tradewarden';
/** The login role the audit service runs as (tw_audit_writer): it may only read the trail and append to it. */
const AUDIT_RUNTIME_ROLE = 'audit_writer';
// The order services start in: each one's dependencies first.
const START_ORDER: ServiceName[] = ['identity', 'gateway', 'approval', 'intake', 'audit'];

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

const running: Stoppable[] = [];
let stopping = false;

function log(message: string): void {
  process.stdout.write(`[tradewarden] ${message}\n`);
}

function startNodeProcess(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string): { child: ChildProcess; stop(): Promise<void> } {
  const root = workspaceRoot();
  const logFile = join(logDir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['-r', join(root, 'tools', 'runtime', 'register-paths.js'), join(root, 'dist', entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the launcher itself dies, take the child with it: no orphan keeps a port or a consumer group.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code, signal) => {
    if (!stopping) log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
  });
  return {
    child,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15000).unref());
      if ((await Promise.race([exited.then(() => 'exited' as const), timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  for (const part of [...running].reverse()) {
    try {
      await part.stop();
      log(`stopped ${part.name}`);
    } catch (error) {
      log(`could not stop ${part.name}: ${String(error)}`);
    }
  }
  removeRuntimeFile(workspaceRoot());
  process.exit(exitCode);
}

async function main(config: LauncherConfig): Promise<void> {
  const started = Date.now();
  const root = workspaceRoot();
  const dataDir = config.TRADEWARDEN_DATA_DIR ?? join(root, '.data', 'local');
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  requireJavaAndMaven();
  const secrets = loadOrCreateDemoSecrets(join(dataDir, 'demo-secrets.json'), [...SERVICE_NAMES, AUDIT_RUNTIME_ROLE]);
  const servicePorts: Record<ServiceName, number> = {
    identity: config.IDENTITY_GRPC_PORT,
    intake: config.INTAKE_GRPC_PORT,
    approval: config.APPROVAL_GRPC_PORT,
    gateway: config.GATEWAY_GRPC_PORT,
    audit: config.AUDIT_GRPC_PORT,
  };
  for (const service of SERVICE_NAMES) await assertPortFree(servicePorts[service], `the ${service} service`, `${service.toUpperCase()}_GRPC_PORT`);
  await assertPortFree(config.SIMULATOR_PORT, 'the MT5 simulator', 'SIMULATOR_PORT');
  await assertPortFree(config.SIMULATOR_ADMIN_PORT, 'the simulator control endpoint', 'SIMULATOR_ADMIN_PORT');
  await assertPortFree(config.SIMULATOR_MT4_BRIDGE_PORT, 'the simulated MT4 manager bridge', 'SIMULATOR_MT4_BRIDGE_PORT');
  await assertPortFree(config.SIMULATOR_TRADE_SERVER_PORT, 'the simulated MT5 trade server', 'SIMULATOR_TRADE_SERVER_PORT');

  log(`starting PostgreSQL, Kafka and Keycloak (data in ${dataDir}) ...`);
  const [postgres, kafka, keycloak] = await Promise.all([
    config.DATABASE_URL
      ? Promise.resolve({ adminUrl: config.DATABASE_URL, stop: async () => undefined })
      : startPostgres({ dataDir: join(dataDir, 'postgres'), port: config.POSTGRES_PORT, password: secrets.postgresSuperuser }).then((server) => {
          running.push({ name: 'PostgreSQL', stop: server.stop });
          return server;
        }),
    startKafka({ dataDir: join(dataDir, 'kafka'), port: config.KAFKA_PORT, controllerPort: config.KAFKA_CONTROLLER_PORT }).then((server) => {
      running.push({ name: 'Kafka', stop: server.stop });
      return server;
    }),
    startKeycloak({
      dataDir: join(dataDir, 'keycloak'),
      port: config.KEYCLOAK_PORT,
      managementPort: config.KEYCLOAK_MANAGEMENT_PORT,
      adminPassword: secrets.keycloakAdmin,
    }).then((server) => {
      running.push({ name: 'Keycloak', stop: server.stop });
      return server;
    }),
  ]);
  log(`infrastructure ready in ${Math.round((Date.now() - started) / 1000)} s`);

  await ensureDatabase(postgres.adminUrl, DATABASE_NAME);
  const databaseAdminUrl = new URL(postgres.adminUrl);
  databaseAdminUrl.pathname = `/${DATABASE_NAME}`;
  const databaseUrlOf = (role: string) => {
    const url = new URL(databaseAdminUrl.toString());
    url.username = `tw_${role}`;
    url.password = secrets.databaseRoles[role]!;
    return url.toString();
  };
  for (const service of SERVICE_NAMES) {
    await provisionServiceSchema(databaseAdminUrl.toString(), { role: `tw_${service}`, password: secrets.databaseRoles[service]!, schema: service });
  }
  // The audit service runs as a role that may only read and append to the trail; its schema's owner only migrates.
  await provisionRuntimeRole(databaseAdminUrl.toString(), { role: `tw_${AUDIT_RUNTIME_ROLE}`, password: secrets.databaseRoles[AUDIT_RUNTIME_ROLE]!, schema: 'audit' });

  const simulatorTlsDir = join(dataDir, 'simulator-tls');
  const simulator = startNodeProcess(
    'mt-simulator',
    'services/mt-simulator/src/main.js',
    {
      SIMULATOR_PORT: String(config.SIMULATOR_PORT),
      SIMULATOR_TRADE_SERVER_PORT: String(config.SIMULATOR_TRADE_SERVER_PORT),
      SIMULATOR_MANAGER_LOGIN: SIMULATOR_MANAGER_LOGIN,
      SIMULATOR_MANAGER_PASSWORD: SIMULATOR_MANAGER_PASSWORD,
      SIMULATOR_TLS_DIR: simulatorTlsDir,
      SIMULATOR_ADMIN_PORT: String(config.SIMULATOR_ADMIN_PORT),
      SIMULATOR_MT4_BRIDGE_PORT: String(config.SIMULATOR_MT4_BRIDGE_PORT),
      SIMULATOR_MT4_BRIDGE_KEY: MT4_BRIDGE_KEY,
    },
    logDir,
  );
  running.push({ name: 'MT5 simulator', stop: simulator.stop });
  const simulatorUrl = `https://127.0.0.1:${config.SIMULATOR_PORT}`;
  const tradeServerUrl = `https://127.0.0.1:${config.SIMULATOR_TRADE_SERVER_PORT}`;
  const simulatorCertificate = join(simulatorTlsDir, 'cert.pem');
  await waitFor('MT5 simulator', async () => webApiAnswers(simulatorUrl, readFileSync(simulatorCertificate, 'utf8')), 30000, 200);
  await waitFor('MT5 simulator trade server', async () => webApiAnswers(tradeServerUrl, readFileSync(simulatorCertificate, 'utf8')), 10000, 200);

  const addresses = Object.fromEntries(SERVICE_NAMES.map((service) => [service, `127.0.0.1:${servicePorts[service]}`])) as Record<ServiceName, string>;
  for (const service of START_ORDER) {
    const clientId = `tradewarden-${service}`;
    const env: NodeJS.ProcessEnv = {
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(servicePorts[service]),
      DATABASE_URL: databaseUrlOf(service === 'audit' ? AUDIT_RUNTIME_ROLE : service),
      DATABASE_SCHEMA: service,
      KAFKA_BROKERS: kafka.bootstrap,
      KEYCLOAK_URL: keycloak.url,
      KEYCLOAK_REALM: keycloak.realm,
      SERVICE_CLIENT_ID: clientId,
      SERVICE_CLIENT_SECRET: demoRealm.clientSecret(clientId),
      IDENTITY_GRPC_ADDRESS: addresses.identity,
      GATEWAY_GRPC_ADDRESS: addresses.gateway,
      APPROVAL_GRPC_ADDRESS: addresses.approval,
      LOG_LEVEL: config.LOG_LEVEL,
      ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_EXPORTER_OTLP_ENDPOINT: config.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    };
    if (service === 'audit') {
      env['AUDIT_CHECKPOINT_KEY'] = secrets.auditCheckpointKey;
      env['DATABASE_MIGRATION_URL'] = databaseUrlOf('audit');
    }
    if (service === 'gateway') {
      env['TW_MT5_DEMO_1_PASSWORD'] = SIMULATOR_MANAGER_PASSWORD;
      env['GATEWAY_CREDENTIALS_KEY'] = secrets.gatewayCredentialsKey;
      env['TW_MT5_DEMO_2_PASSWORD'] = SIMULATOR_MANAGER_PASSWORD;
      env['TW_MT4_DEMO_1_BRIDGE_KEY'] = MT4_BRIDGE_KEY;
      env['GATEWAY_SERVERS'] = JSON.stringify([
        {
          id: SIMULATOR_SERVER_ID,
          platform: 'mt5',
          address: simulatorUrl,
          managerLogin: SIMULATOR_MANAGER_LOGIN,
          passwordRef: 'env:TW_MT5_DEMO_1_PASSWORD',
          tags: ['demo', 'simulator', 'main-server'],
          tls: { caFile: simulatorCertificate },
        },
        {
          id: TRADE_SERVER_ID,
          platform: 'mt5',
          address: tradeServerUrl,
          managerLogin: SIMULATOR_MANAGER_LOGIN,
          passwordRef: 'env:TW_MT5_DEMO_2_PASSWORD',
          tags: ['demo', 'simulator', 'trade-server'],
          tls: { caFile: simulatorCertificate },
        },
        {
          id: MT4_SERVER_ID,
          platform: 'mt4',
          address: `grpcs://127.0.0.1:${config.SIMULATOR_MT4_BRIDGE_PORT}`,
          managerLogin: '1',
          passwordRef: 'env:TW_MT4_DEMO_1_BRIDGE_KEY',
          tags: ['demo', 'simulator', 'mt4'],
          tls: { caFile: simulatorCertificate },
        },
      ]);
    }
    const serviceProcess = startNodeProcess(service, `services/${service}/src/main.js`, env, logDir);
    running.push({ name: service, stop: serviceProcess.stop });
    await waitFor(
      `${service} service (log: ${join(logDir, `${service}.log`)})`,
      async () => {
        if (serviceProcess.child.exitCode !== null) throw new Error(`${service} exited with code ${serviceProcess.child.exitCode}`);
        return (await checkHealth(addresses[service])) === 'SERVING';
      },
      60000,
      300,
    );
  }

  const endpoints: PlatformEndpoints = {
    startedAt: new Date().toISOString(),
    launcherPid: process.pid,
    kafka: { bootstrap: kafka.bootstrap },
    postgres: { url: `postgres://${databaseAdminUrl.host}/${DATABASE_NAME}` },
    keycloak: { url: keycloak.url, realm: keycloak.realm },
    simulator: {
      webApi: simulatorUrl,
      caFile: simulatorCertificate,
      admin: `http://127.0.0.1:${config.SIMULATOR_ADMIN_PORT}`,
      webApiServers: [
        { id: SIMULATOR_SERVER_ID, role: 'main', webApi: simulatorUrl },
        { id: TRADE_SERVER_ID, role: 'trade', webApi: tradeServerUrl },
      ],
    },
    services: Object.fromEntries(SERVICE_NAMES.map((service) => [service, { grpc: addresses[service] }])) as PlatformEndpoints['services'],
  };
  writeRuntimeFile(root, endpoints);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `Tradewarden ready in ${seconds} s`,
      `  gRPC       identity ${addresses.identity}  intake ${addresses.intake}  approval ${addresses.approval}`,
      `             gateway ${addresses.gateway}  audit ${addresses.audit}`,
      `  Kafka      ${kafka.bootstrap}`,
      `  PostgreSQL ${endpoints.postgres.url} (roles tw_<service>; demo secrets in ${join(dataDir, 'demo-secrets.json')})`,
      `  Keycloak   ${keycloak.url}/realms/${keycloak.realm} (demo users: see README)`,
      `  MT5 sim    ${simulatorUrl} as main server "${SIMULATOR_SERVER_ID}" (manager ${SIMULATOR_MANAGER_LOGIN}; faults: npx tradewarden simulator faults)`,
      `             ${tradeServerUrl} as trade server "${TRADE_SERVER_ID}" (same manager; npx tradewarden simulator servers)`,
      `  MT4 sim    manager bridge grpcs://127.0.0.1:${config.SIMULATOR_MT4_BRIDGE_PORT} as server "${MT4_SERVER_ID}"`,
      `  logs       ${logDir}`,
      '  Ctrl-C stops everything.  `npx tradewarden status` shows health.',
      '',
    ].join('\n'),
  );
}

// The terminal or parent that reads our output may be gone while we shut down; losing log lines must not abort it.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
process.once('SIGINT', () => void stopAll(0));
// `npm start` runs us under `sh -c`, which dies on SIGTERM without passing it on: losing our parent means the same.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart && !stopping) {
    log('parent process exited: stopping');
    void stopAll(0);
  }
}, 500).unref();
process.once('SIGTERM', () => void stopAll(0));

let config: LauncherConfig;
try {
  config = loadLauncherConfig();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
main(config).catch(async (error: unknown) => {
  process.stderr.write(`\n[tradewarden] start failed: ${error instanceof PrerequisiteError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopAll(1);
});
