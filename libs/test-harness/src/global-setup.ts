import './register-source-paths';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, requireJavaAndMaven, startKafka, startKeycloak, startPostgres, workspaceRoot } from '@tradewarden/local-infra';
import { HARNESS_ENV } from './harness-env';

interface RunningHarness {
  stop(): Promise<void>;
}

declare global {
  var __tradewardenHarness: RunningHarness | undefined;
}

/**
 * Starts one real Kafka (KRaft), PostgreSQL and Keycloak for the whole integration run, on free ports, with data in a
 * fresh folder under .data/test-runs/. Suites isolate themselves with their own database and topic prefix.
 * TEST_DATABASE_URL points the run at an existing PostgreSQL server (superuser URL) instead of the embedded one.
 */
export default async function globalSetup(): Promise<void> {
  requireJavaAndMaven();
  const runDir = join(workspaceRoot(), '.data', 'test-runs', `run-${Date.now()}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  // The throwaway Keycloak of one test run; tests use its admin API for what the realm file cannot give them.
  const keycloakAdminPassword = 'test-keycloak-admin';
  const [pgPort, kafkaPort, controllerPort, keycloakPort, managementPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const externalDatabase = process.env['TEST_DATABASE_URL'];
  const started: { stop(): Promise<void> }[] = [];
  try {
    const [postgres, kafka, keycloak] = await Promise.all([
      externalDatabase
        ? Promise.resolve({ adminUrl: externalDatabase, stop: async () => undefined })
        : startPostgres({ dataDir: join(runDir, 'postgres'), port: pgPort!, password: 'test-superuser-password' }),
      startKafka({ dataDir: join(runDir, 'kafka'), port: kafkaPort!, controllerPort: controllerPort! }),
      startKeycloak({ dataDir: join(runDir, 'keycloak'), port: keycloakPort!, managementPort: managementPort!, adminPassword: keycloakAdminPassword }),
    ].map((promise) => promise.then((server) => (started.push(server), server))) as [
      ReturnType<typeof startPostgres>,
      ReturnType<typeof startKafka>,
      ReturnType<typeof startKeycloak>,
    ]);
    process.env[HARNESS_ENV.databaseAdminUrl] = postgres.adminUrl;
    process.env[HARNESS_ENV.kafkaBrokers] = kafka.bootstrap;
    process.env[HARNESS_ENV.keycloakUrl] = keycloak.url;
    process.env[HARNESS_ENV.keycloakAdminPassword] = keycloakAdminPassword;
    process.env[HARNESS_ENV.runDir] = runDir;
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
  globalThis.__tradewardenHarness = {
    stop: async () => {
      await Promise.all(started.map((server) => server.stop()));
    },
  };
}
