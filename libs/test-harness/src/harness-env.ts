/** Environment variables through which the global setup hands the servers' addresses to the test workers. */
export const HARNESS_ENV = {
  databaseAdminUrl: 'TW_HARNESS_DATABASE_ADMIN_URL',
  kafkaBrokers: 'TW_HARNESS_KAFKA_BROKERS',
  keycloakUrl: 'TW_HARNESS_KEYCLOAK_URL',
  keycloakAdminPassword: 'TW_HARNESS_KEYCLOAK_ADMIN_PASSWORD',
  runDir: 'TW_HARNESS_RUN_DIR',
} as const;
