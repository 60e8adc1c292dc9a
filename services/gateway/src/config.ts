import { z } from 'zod';
import { databaseEnv, grpcListenEnv, kafkaEnv, keycloakEnv, loadConfig } from '@tradewarden/config';
import { serverListSchema } from './registry/server-config';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

const gatewayEnv = kafkaEnv
  .merge(databaseEnv)
  .merge(keycloakEnv)
  .merge(grpcListenEnv)
  .extend({
    // JSON array of MT servers to seed the registry with (see docs/configuration.md).
    GATEWAY_SERVERS: serverListSchema,
    GATEWAY_EXECUTION_POLL_MS: z.coerce.number().int().min(20).max(10000).default(200),
    GATEWAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  });

export type GatewayConfig = ReturnType<typeof toGatewayConfig>;

function toGatewayConfig(env: z.infer<typeof gatewayEnv>) {
  return {
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    database: { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA },
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX },
    keycloak: { url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.KEYCLOAK_AUDIENCE },
    servers: env.GATEWAY_SERVERS,
    execution: { pollMs: env.GATEWAY_EXECUTION_POLL_MS, maxAttempts: env.GATEWAY_MAX_ATTEMPTS },
  };
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return toGatewayConfig(loadConfig('gateway', gatewayEnv, env));
}
