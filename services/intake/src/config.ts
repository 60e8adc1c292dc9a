import { z } from 'zod';
import { databaseEnv, grpcListenEnv, hostPort, kafkaEnv, keycloakEnv, loadConfig, serviceAccountEnv } from '@tradewarden/config';

const intakeEnv = kafkaEnv
  .merge(databaseEnv)
  .merge(keycloakEnv)
  .merge(grpcListenEnv)
  .merge(serviceAccountEnv)
  .extend({ IDENTITY_GRPC_ADDRESS: hostPort, GATEWAY_GRPC_ADDRESS: hostPort });

export type IntakeConfig = ReturnType<typeof toIntakeConfig>;

function toIntakeConfig(env: z.infer<typeof intakeEnv>) {
  return {
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    database: { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA },
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX },
    keycloak: { url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.KEYCLOAK_AUDIENCE },
    serviceAccount: { clientId: env.SERVICE_CLIENT_ID, clientSecret: env.SERVICE_CLIENT_SECRET },
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    gatewayAddress: env.GATEWAY_GRPC_ADDRESS,
  };
}

export function loadIntakeConfig(env: Record<string, string | undefined> = process.env): IntakeConfig {
  return toIntakeConfig(loadConfig('intake', intakeEnv, env));
}
