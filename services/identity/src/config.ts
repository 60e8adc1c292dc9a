import { z } from 'zod';
import { databaseEnv, grpcListenEnv, kafkaEnv, keycloakEnv, loadConfig } from '@tradewarden/config';

const identityEnv = kafkaEnv.merge(databaseEnv).merge(keycloakEnv).merge(grpcListenEnv);

export type IdentityConfig = ReturnType<typeof toIdentityConfig>;

function toIdentityConfig(env: z.infer<typeof identityEnv>) {
  return {
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    database: { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA },
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX },
    keycloak: { url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.KEYCLOAK_AUDIENCE },
  };
}

export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  return toIdentityConfig(loadConfig('identity', identityEnv, env));
}
