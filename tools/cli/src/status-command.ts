import { Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { checkHealth } from '@tradewarden/grpc';
import { existsSync, readFileSync } from 'node:fs';
import { SERVICE_NAMES, webApiAnswers, type PlatformEndpoints, type ServiceName } from '@tradewarden/platform-runtime';

/**
 * The documented contract of `tradewarden status --json` (docs/cli.md). Addresses only, never secrets.
 */
export interface StatusReport {
  running: boolean;
  kafka: { bootstrap: string; healthy: boolean };
  postgres: { url: string; healthy: boolean };
  keycloak: { url: string; realm: string; healthy: boolean };
  /** webApi: the main MT5 server; servers: every simulated MT5 server. healthy: all of them answer. */
  simulator: { webApi: string; healthy: boolean; servers: { id: string; role: 'main' | 'trade'; webApi: string; healthy: boolean }[] };
  services: Record<ServiceName, { grpc: string; healthy: boolean }>;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([promise.catch(() => fallback), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);

function tcpReachable(hostPort: string): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
}

async function kafkaHealthy(bootstrap: string): Promise<boolean> {
  const admin = new Kafka({ clientId: 'tradewarden-status', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1500 }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect();
  }
}

export async function collectStatus(endpoints: PlatformEndpoints | undefined): Promise<StatusReport> {
  if (!endpoints) {
    const none = { healthy: false };
    return {
      running: false,
      kafka: { bootstrap: '', ...none },
      postgres: { url: '', ...none },
      keycloak: { url: '', realm: '', ...none },
      simulator: { webApi: '', ...none, servers: [] },
      services: Object.fromEntries(SERVICE_NAMES.map((service) => [service, { grpc: '', ...none }])) as StatusReport['services'],
    };
  }
  const postgresHost = new URL(endpoints.postgres.url).host;
  const caPem = existsSync(endpoints.simulator.caFile) ? readFileSync(endpoints.simulator.caFile, 'utf8') : undefined;
  const webApiServers = endpoints.simulator.webApiServers ?? [{ id: 'mt5-demo-1', role: 'main' as const, webApi: endpoints.simulator.webApi }];
  const [kafka, postgres, keycloak, simulators, ...services] = await Promise.all([
    withTimeout(kafkaHealthy(endpoints.kafka.bootstrap), 4000, false),
    withTimeout(tcpReachable(postgresHost), 3000, false),
    withTimeout(fetch(`${endpoints.keycloak.url}/realms/${endpoints.keycloak.realm}/.well-known/openid-configuration`).then((r) => r.ok), 3000, false),
    // An MT5 access server answers 403 to a request without a session: alive and speaking the protocol.
    Promise.all(webApiServers.map((server) => withTimeout(webApiAnswers(server.webApi, caPem), 3000, false))),
    ...SERVICE_NAMES.map((service) => withTimeout(checkHealth(endpoints.services[service].grpc).then((s) => s === 'SERVING'), 3000, false)),
  ]);
  const servers = webApiServers.map((server, index) => ({ ...server, healthy: simulators[index]! }));
  return {
    running: true,
    kafka: { bootstrap: endpoints.kafka.bootstrap, healthy: kafka },
    postgres: { url: endpoints.postgres.url, healthy: postgres },
    keycloak: { url: endpoints.keycloak.url, realm: endpoints.keycloak.realm, healthy: keycloak },
    simulator: { webApi: endpoints.simulator.webApi, healthy: servers.every((server) => server.healthy), servers },
    services: Object.fromEntries(SERVICE_NAMES.map((service, index) => [service, { grpc: endpoints.services[service].grpc, healthy: services[index]! }])) as StatusReport['services'],
  };
}

export function allHealthy(report: StatusReport): boolean {
  return (
    report.running &&
    report.kafka.healthy &&
    report.postgres.healthy &&
    report.keycloak.healthy &&
    report.simulator.healthy &&
    SERVICE_NAMES.every((service) => report.services[service].healthy)
  );
}

export function formatStatus(report: StatusReport): string {
  if (!report.running) return 'Tradewarden is not running here (no .runtime/platform.json): start it with `npm start`.';
  const mark = (healthy: boolean) => (healthy ? 'up  ' : 'DOWN');
  const lines = [
    `${mark(report.kafka.healthy)}  kafka       ${report.kafka.bootstrap}`,
    `${mark(report.postgres.healthy)}  postgres    ${report.postgres.url}`,
    `${mark(report.keycloak.healthy)}  keycloak    ${report.keycloak.url} (realm ${report.keycloak.realm})`,
    ...report.simulator.servers.map((server) => `${mark(server.healthy)}  simulator   ${server.webApi} (${server.id}, ${server.role} server)`),
    ...SERVICE_NAMES.map((service) => `${mark(report.services[service].healthy)}  ${service.padEnd(11)} ${report.services[service].grpc}`),
  ];
  return lines.join('\n');
}
