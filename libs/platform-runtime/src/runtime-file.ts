import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SERVICE_NAMES = ['identity', 'intake', 'approval', 'gateway', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One simulated MT5 server: its id in the gateway's registry, its role in the cluster, its Web API. */
export interface SimulatedWebApiServer {
  id: string;
  role: 'main' | 'trade';
  webApi: string;
}

/**
 * Where the locally launched platform listens: written by `npm start`, read by `tradewarden status`. Addresses only,
 * never secrets.
 */
export interface PlatformEndpoints {
  startedAt: string;
  launcherPid: number;
  kafka: { bootstrap: string };
  postgres: { url: string };
  keycloak: { url: string; realm: string };
  /**
   * webApi: the main MT5 server's Web API; webApiServers: every simulated MT5 server (main and trade servers; absent in
   * files written before there were several); caFile: the simulator's self-signed certificate, for clients that talk to
   * it directly.
   */
  simulator: { webApi: string; caFile: string; admin: string; webApiServers?: SimulatedWebApiServer[] };
  services: Record<ServiceName, { grpc: string }>;
}

export function runtimeFilePath(workspaceRoot: string): string {
  return join(workspaceRoot, '.runtime', 'platform.json');
}

export function writeRuntimeFile(workspaceRoot: string, endpoints: PlatformEndpoints): void {
  const path = runtimeFilePath(workspaceRoot);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(endpoints, null, 2)}\n`);
}

export function readRuntimeFile(workspaceRoot: string): PlatformEndpoints | undefined {
  const path = runtimeFilePath(workspaceRoot);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as PlatformEndpoints;
}

export function removeRuntimeFile(workspaceRoot: string): void {
  rmSync(runtimeFilePath(workspaceRoot), { force: true });
}
