export { loadConfig, ConfigError } from './load-config';
export {
  databaseEnv,
  grpcListenEnv,
  kafkaEnv,
  keycloakEnv,
  serviceAccountEnv,
  telemetryEnv,
  portNumber,
  hostPort,
  grpcTarget,
  serviceBaseEnv,
  toServiceBaseConfig,
  toServiceAccountConfig,
} from './common-env';
export type { KafkaConfig, KafkaSecurity, KeycloakConfig, ServiceAccountConfig, TelemetryConfig } from './common-env';
