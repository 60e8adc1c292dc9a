import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError, grpcTarget, hostPort, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';
import { MAX_ADVERTISED_ADDRESS_LENGTH } from './reads/read-routing';
import { serverListSchema } from './registry/server-config';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

const gatewayEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({
  IDENTITY_GRPC_ADDRESS: grpcTarget,
  // JSON array of MT servers to seed the registry with (see docs/configuration.md).
  GATEWAY_SERVERS: serverListSchema,
  GATEWAY_EXECUTION_POLL_MS: z.coerce.number().int().min(20).max(10000).default(200),
  GATEWAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  // Items executed at the same time (each server's pool still caps its connections; one account at a time).
  GATEWAY_EXECUTION_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  // How long Kafka waits for a silent gateway (a crashed process) before other instances take its servers over.
  GATEWAY_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(30000),
  // After taking over a partition from a lost instance, how long its interrupted items wait before the deal-history
  // check, so that a call still on the wire lands first.
  GATEWAY_TAKEOVER_GRACE_MS: z.coerce.number().int().min(0).max(120000).default(5000),
  // AES-256 key (32 bytes, base64) sealing the passwords the gateway generates until their submitter collects them.
  // A secret: no default (the local demo launcher makes one).
  GATEWAY_CREDENTIALS_KEY: z
    .string({ required_error: 'is required: 32 random bytes, base64 (e.g. `openssl rand -base64 32`)' })
    .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(value), 'must be 32 bytes, base64-encoded'),
  // Uncollected passwords are erased after this many hours.
  GATEWAY_CREDENTIALS_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72),
  // host:port at which the other gateway instances reach this one (reads are forwarded to the instance executing the
  // server). Default: GRPC_HOST:GRPC_PORT, or this host's name when GRPC_HOST listens on every interface.
  GATEWAY_ADVERTISED_ADDRESS: hostPort.optional(),
});

/** `fd00::5:50054` (a pod IP and a port, as the chart joins them) as gRPC reads an IPv6 address: `[fd00::5]:50054`. */
export function bracketIpv6(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return host.includes(':') && !host.startsWith('[') ? `[${host}]${address.slice(colon)}` : address;
}

/** Where the other instances reach this one: GATEWAY_ADVERTISED_ADDRESS, or made from the listen address. */
function advertisedAddress(env: z.infer<typeof gatewayEnv>): string {
  const everyInterface = ['0.0.0.0', '::', '[::]'].includes(env.GRPC_HOST);
  const address = bracketIpv6(env.GATEWAY_ADVERTISED_ADDRESS ?? `${everyInterface ? hostname() : env.GRPC_HOST}:${env.GRPC_PORT}`);
  if (address.length > MAX_ADVERTISED_ADDRESS_LENGTH) {
    const problem = env.GATEWAY_ADVERTISED_ADDRESS ? `${address} is longer than ${MAX_ADVERTISED_ADDRESS_LENGTH} characters` : `required here: ${address} is longer than ${MAX_ADVERTISED_ADDRESS_LENGTH} characters (e.g. the pod IP and port)`;
    throw new ConfigError('gateway', [`GATEWAY_ADVERTISED_ADDRESS: ${problem}`]);
  }
  return address;
}

export type GatewayConfig = ReturnType<typeof toGatewayConfig>;

function toGatewayConfig(env: z.infer<typeof gatewayEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    servers: env.GATEWAY_SERVERS,
    execution: {
      pollMs: env.GATEWAY_EXECUTION_POLL_MS,
      maxAttempts: env.GATEWAY_MAX_ATTEMPTS,
      concurrency: env.GATEWAY_EXECUTION_CONCURRENCY,
      sessionTimeoutMs: env.GATEWAY_CONSUMER_SESSION_TIMEOUT_MS,
      takeoverGraceMs: env.GATEWAY_TAKEOVER_GRACE_MS,
    },
    credentials: { key: Buffer.from(env.GATEWAY_CREDENTIALS_KEY, 'base64'), ttlHours: env.GATEWAY_CREDENTIALS_TTL_HOURS },
    advertisedAddress: advertisedAddress(env),
  };
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return toGatewayConfig(loadConfig('gateway', gatewayEnv, env));
}
