import { z } from 'zod';
import { databaseEnv, grpcListenEnv, hostPort, kafkaEnv, keycloakEnv, loadConfig, serviceAccountEnv } from '@tradewarden/config';

const auditEnv = kafkaEnv
  .merge(databaseEnv)
  .merge(keycloakEnv)
  .merge(grpcListenEnv)
  .merge(serviceAccountEnv)
  .extend({ IDENTITY_GRPC_ADDRESS: hostPort });

export type AuditConfig = ReturnType<typeof toAuditConfig>;

function toAuditConfig(env: z.infer<typeof auditEnv>) {
  return {
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    database: { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA },
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX },
    keycloak: { url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.KEYCLOAK_AUDIENCE },
    serviceAccount: { clientId: env.SERVICE_CLIENT_ID, clientSecret: env.SERVICE_CLIENT_SECRET },
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
  };
}

export function loadAuditConfig(env: Record<string, string | undefined> = process.env): AuditConfig {
  return toAuditConfig(loadConfig('audit', auditEnv, env));
}
