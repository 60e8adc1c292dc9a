export { workspaceRoot } from './workspace-root';
export { freePort, assertPortFree, waitFor } from './ports';
export { requireJavaAndMaven, PrerequisiteError } from './prerequisites';
export { startPostgres } from './postgres-server';
export type { PostgresServer, PostgresServerOptions } from './postgres-server';
export { startKafka, KAFKA_VERSION } from './kafka-server';
export type { KafkaServer, KafkaServerOptions } from './kafka-server';
export { startKeycloak, KEYCLOAK_VERSION, REALM_FILE } from './keycloak-server';
export type { KeycloakServer, KeycloakServerOptions } from './keycloak-server';
