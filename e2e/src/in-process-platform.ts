import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tradewarden/local-infra';
import type { RunningGrpcService } from '@tradewarden/grpc';
import { createSuiteDatabase, provisionServiceDatabase, serviceEnvironment, suiteTopicPrefix } from '@tradewarden/test-harness';
import { startApprovalService } from '../../services/approval/src/app';
import { loadApprovalConfig } from '../../services/approval/src/config';
import { startAuditService } from '../../services/audit/src/app';
import { loadAuditConfig } from '../../services/audit/src/config';
import { startGatewayService } from '../../services/gateway/src/app';
import { loadGatewayConfig } from '../../services/gateway/src/config';
import { startIdentityService } from '../../services/identity/src/app';
import { loadIdentityConfig } from '../../services/identity/src/config';
import { startIntakeService } from '../../services/intake/src/app';
import { loadIntakeConfig } from '../../services/intake/src/config';
import { generateSimulatorCertificate, startMt4Bridge, startSimulatorCluster, type RunningMt4Bridge, type RunningSimulator, type SimulatorServerOptions } from '@tradewarden/mt-simulator';
import { startServiceProcess, type ServiceProcess } from './service-process';

export interface InProcessPlatform {
  addresses: Record<'identity' | 'intake' | 'approval' | 'gateway' | 'audit', string>;
  /** Prefix of this suite's Kafka topics (topicName(topicPrefix, Topics.x)). */
  topicPrefix: string;
  /** Superuser URL of this suite's database (each service has its own schema in it), for tests that tamper with it. */
  databaseAdminUrl: string;
  /** The main MT5 server of the simulated cluster, registered as serverId. */
  simulator: RunningSimulator;
  serverId: string;
  /** With tradeServer: true, a trade server of the same cluster (shared groups and symbols), registered as tradeServerId. */
  tradeServer?: RunningSimulator;
  tradeServerId: string;
  /** An MT4 server behind the simulated manager bridge, registered as mt4ServerId. */
  mt4: RunningMt4Bridge;
  mt4ServerId: string;
  /** For registering the simulator again under another id: its certificate pin and the manager password reference. */
  mt5Connection: { address: string; pinnedSha256: string; passwordRef: string };
  /** With gateway: 'process', the running gateway process (replace it with startGatewayProcess after a kill). */
  gatewayProcess?: ServiceProcess;
  /** With gateway: 'process', every gateway process started so far (gateways: N starts N), killed ones included. */
  gatewayProcesses: ServiceProcess[];
  /**
   * Starts a gateway process: on the gateway address the other services use (after the one there was killed), or with
   * ownAddress on a port of its own, as one more instance of the same deployment (same consumer group and database).
   */
  startGatewayProcess(options?: { ownAddress?: boolean }): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /**
   * Run all five services as processes of their own, as deployed (the OpenTelemetry SDK instruments gRPC and pg only
   * in a service's own process; Jest's module sandbox cannot be patched), instead of in this process.
   */
  services?: 'in-process' | 'process';
  /** Extra environment of every service (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  serviceEnv?: Record<string, string>;
  /** Run the gateway as its own process (so a test can SIGKILL it) instead of in this process. */
  gateway?: 'in-process' | 'process';
  /** With gateway: 'process', how many gateway instances to start (one consumer group, one database); default 1. */
  gateways?: number;
  /**
   * Gateway instances a test will add later (startGatewayProcess with ownAddress). Their ports are chosen now, and with
   * more than one instance in all the other services are given every instance's address (a list, as a deployment with
   * fixed instances would be configured), so their reads go to whichever instances are up.
   */
  joiningGateways?: number;
  logDir?: string;
  /** Simulated accounts beyond the five demo accounts. */
  generatedAccounts?: number;
  /** Also run an MT5 trade server (mt5-demo-2: demo accounts 510001-510003, generated from 650001). */
  tradeServer?: boolean;
  /** Extra environment of the approval service (e.g. a short APPROVAL_DEFAULT_TTL_HOURS to see requests expire). */
  approvalEnv?: Record<string, string>;
  /** Extra environment of the gateway(s) (e.g. OTEL_EXPORTER_OTLP_ENDPOINT for a gateway process). */
  gatewayEnv?: Record<string, string>;
  /** Extra environment of the audit service (e.g. AUDIT_CHECKPOINT_EVERY_RECORDS). */
  auditEnv?: Record<string, string>;
}

/**
 * The five services and an MT5 simulator in this test process, wired as `npm start` wires them (each service its own
 * schema and role, configured through the same environment variables) against the harness's real Kafka, PostgreSQL
 * and Keycloak, isolated by a suite database and topic prefix.
 */
export async function startInProcessPlatform(suite: string, options: PlatformOptions = {}): Promise<InProcessPlatform> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startPlatformOnce(suite, options);
    } catch (error) {
      // A port freePort found can be taken before a service binds it, e.g. as the local end of another process's
      // outgoing connection (the same ephemeral range); a new attempt takes new ports, a new database and new topics.
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startPlatformOnce(suite: string, options: PlatformOptions): Promise<InProcessPlatform> {
  const database = await createSuiteDatabase(suite);
  const topicPrefix = suiteTopicPrefix(suite);
  const managerPassword = `${suite}-manager-password`;
  const passwordVariable = `TW_${suite.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_MT5_PASSWORD`;
  process.env[passwordVariable] = managerPassword;
  const certificate = await generateSimulatorCertificate();
  const serverId = 'mt5-demo-1';
  const tradeServerId = 'mt5-demo-2';
  const simulatedServers: SimulatorServerOptions[] = [{ id: serverId, port: 0, main: true, generatedAccounts: options.generatedAccounts ?? 300 }];
  if (options.tradeServer) simulatedServers.push({ id: tradeServerId, port: 0, main: false, firstLogin: 650_001, generatedAccounts: 100 });
  const cluster = await startSimulatorCluster({
    host: '127.0.0.1',
    servers: simulatedServers,
    managers: [{ login: '1000', password: managerPassword }],
    maxConnections: 16,
    tls: certificate,
    seed: 42,
  });
  const simulator = cluster.main;
  const tradeServer = options.tradeServer ? cluster.server(tradeServerId) : undefined;
  const mt4ServerId = 'mt4-demo-1';
  const bridgeKey = `${suite}-bridge-key`;
  const bridgeKeyVariable = `${passwordVariable}_MT4`;
  process.env[bridgeKeyVariable] = bridgeKey;
  const mt4 = await startMt4Bridge({ host: '127.0.0.1', port: 0, bridgeKey, seed: 43, generatedAccounts: 50, tls: certificate });
  const ports = { identity: await freePort(), intake: await freePort(), approval: await freePort(), gateway: await freePort(), audit: await freePort() };
  const gatewayPorts = [ports.gateway];
  while (gatewayPorts.length < (options.gateways ?? 1) + (options.joiningGateways ?? 0)) gatewayPorts.push(await freePort());
  const addresses = {
    identity: `127.0.0.1:${ports.identity}`,
    intake: `127.0.0.1:${ports.intake}`,
    approval: `127.0.0.1:${ports.approval}`,
    gateway: `127.0.0.1:${ports.gateway}`,
    audit: `127.0.0.1:${ports.audit}`,
  };
  const envFor = async (service: keyof typeof ports, extra: Record<string, string> = {}) => {
    // The audit service runs as a role that may only read and append to the trail; its schema's owner migrates.
    const db = await provisionServiceDatabase(database, service, { separateRuntimeRole: service === 'audit' });
    return {
      ...serviceEnvironment(service, { port: ports[service], database: db, topicPrefix }),
      IDENTITY_GRPC_ADDRESS: addresses.identity,
      GATEWAY_GRPC_ADDRESS: gatewayPorts.map((port) => `127.0.0.1:${port}`).join(','),
      APPROVAL_GRPC_ADDRESS: addresses.approval,
      ...(options.serviceEnv ?? {}),
      ...extra,
    };
  };
  const started: RunningGrpcService[] = [];
  const processes: ServiceProcess[] = [];
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), `tradewarden-${suite}-`));
  let gatewayEnv: Record<string, string> = {};
  const gatewayProcesses: ServiceProcess[] = [];
  let nextOwnGatewayPort = 1;
  const startGatewayProcess = async ({ ownAddress = false }: { ownAddress?: boolean } = {}) => {
    const port = ownAddress ? (gatewayPorts[nextOwnGatewayPort++] ?? (await freePort())) : ports.gateway;
    const gateway = await startServiceProcess(
      'gateway',
      { ...gatewayEnv, GRPC_PORT: String(port), [passwordVariable]: managerPassword, [bridgeKeyVariable]: bridgeKey },
      `127.0.0.1:${port}`,
      logDir,
    );
    processes.push(gateway);
    gatewayProcesses.push(gateway);
    return gateway;
  };
  const asProcesses = options.services === 'process';
  /** Starts a service here, or as its own process on its address. */
  const startService = async (service: Exclude<keyof typeof ports, 'gateway'>, env: Record<string, string>, startHere: (env: Record<string, string>) => Promise<RunningGrpcService>) => {
    if (asProcesses) processes.push(await startServiceProcess(service, env, addresses[service], logDir));
    else started.push(await startHere(env));
  };
  let gatewayProcess: ServiceProcess | undefined;
  try {
    await startService('identity', await envFor('identity'), (env) => startIdentityService(loadIdentityConfig(env)));
    gatewayEnv = await envFor('gateway', {
      GATEWAY_SERVERS: JSON.stringify([
        {
          id: serverId,
          platform: 'mt5',
          address: simulator.webApiUrl,
          managerLogin: '1000',
          passwordRef: `env:${passwordVariable}`,
          tags: ['demo'],
          // The launcher trusts the certificate file; here the fingerprint is pinned, so both modes run.
          tls: { pinnedSha256: certificate.fingerprint256 },
          maxConnections: 3,
          // The simulator is local; the production default (50/s) would make the 1,000-item tests slow.
          requestsPerSecond: 2000,
        },
        ...(tradeServer
          ? [
              {
                id: tradeServerId,
                platform: 'mt5',
                address: tradeServer.webApiUrl,
                managerLogin: '1000',
                passwordRef: `env:${passwordVariable}`,
                tags: ['demo', 'trade-server'],
                tls: { pinnedSha256: certificate.fingerprint256 },
                maxConnections: 3,
                requestsPerSecond: 2000,
              },
            ]
          : []),
        { id: mt4ServerId, platform: 'mt4', address: `grpcs://${mt4.address}`, managerLogin: '1', passwordRef: `env:${bridgeKeyVariable}`, tls: { pinnedSha256: certificate.fingerprint256 }, maxConnections: 2, requestsPerSecond: 2000 },
      ]),
      GATEWAY_EXECUTION_POLL_MS: '50',
      // Made per run, as an operator would provision one: it seals the passwords the gateway generates.
      GATEWAY_CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      ...(options.gatewayEnv ?? {}),
    });
    if (options.gateway === 'process' || asProcesses) {
      gatewayProcess = await startGatewayProcess();
      // Sequentially, as a rolling deployment adds them: each join is a rebalance of the execution consumer group.
      for (let instance = 1; instance < (options.gateways ?? 1); instance += 1) await startGatewayProcess({ ownAddress: true });
    } else {
      started.push(await startGatewayService(loadGatewayConfig(gatewayEnv)));
    }
    await startService('approval', await envFor('approval', options.approvalEnv ?? {}), (env) => startApprovalService(loadApprovalConfig(env)));
    await startService('intake', await envFor('intake'), (env) => startIntakeService(loadIntakeConfig(env)));
    await startService(
      'audit',
      await envFor('audit', {
        // Made per run, as an operator would provision one.
        AUDIT_CHECKPOINT_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ...(options.auditEnv ?? {}),
      }),
      (env) => startAuditService(loadAuditConfig(env)),
    );
  } catch (error) {
    for (const service of started.reverse()) await service.close();
    for (const child of processes) await child.kill();
    await cluster.stop();
    await mt4.stop();
    throw error;
  }
  return {
    addresses,
    topicPrefix,
    databaseAdminUrl: database,
    simulator,
    serverId,
    tradeServer,
    tradeServerId,
    mt4,
    mt4ServerId,
    mt5Connection: { address: simulator.webApiUrl, pinnedSha256: certificate.fingerprint256, passwordRef: `env:${passwordVariable}` },
    gatewayProcess,
    gatewayProcesses,
    startGatewayProcess,
    stop: async () => {
      for (const service of [...started].reverse()) await service.close();
      for (const child of [...processes].reverse()) if (child.child.exitCode === null && child.child.signalCode === null) await child.stop();
      await cluster.stop();
      await mt4.stop();
    },
  };
}
