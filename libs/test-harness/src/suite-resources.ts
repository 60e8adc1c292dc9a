import { randomBytes } from 'node:crypto';
import { ensureDatabase, provisionRuntimeRole, provisionServiceSchema } from '@tradewarden/database';
import { fetchPasswordGrantToken } from '@tradewarden/auth';
import { demoRealm } from '@tradewarden/local-infra';
import { HARNESS_ENV } from './harness-env';

export interface HarnessServers {
  databaseAdminUrl: string;
  kafkaBrokers: string[];
  keycloakUrl: string;
  realm: string;
}

export function harnessServers(): HarnessServers {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: integration tests must run through the jest "integration" project`);
    return value;
  };
  return {
    databaseAdminUrl: read(HARNESS_ENV.databaseAdminUrl),
    kafkaBrokers: read(HARNESS_ENV.kafkaBrokers).split(','),
    keycloakUrl: read(HARNESS_ENV.keycloakUrl),
    realm: 'tradewarden',
  };
}

const suffix = () => randomBytes(4).toString('hex');

/** A fresh database for one suite; returns the superuser URL of it. */
export async function createSuiteDatabase(suite: string): Promise<string> {
  const name = `tw_${suite.replace(/[^a-z0-9]/g, '_')}_${suffix()}`;
  const adminUrl = new URL(harnessServers().databaseAdminUrl);
  await ensureDatabase(adminUrl.toString(), name);
  adminUrl.pathname = `/${name}`;
  return adminUrl.toString();
}

/**
 * Provisions a service's role and schema in a suite database, as the launcher does; returns the service's own URL. With
 * separateRuntimeRole (the audit service) the service runs as a second role that owns nothing, and migrationUrl is the
 * owner's.
 */
export async function provisionServiceDatabase(
  suiteDatabaseAdminUrl: string,
  service: string,
  options: { separateRuntimeRole?: boolean } = {},
): Promise<{ url: string; schema: string; migrationUrl?: string }> {
  const role = `tw_${service}`;
  const password = `test-${service}-password`;
  await provisionServiceSchema(suiteDatabaseAdminUrl, { role, password, schema: service });
  const urlOf = (login: string, secret: string) => {
    const url = new URL(suiteDatabaseAdminUrl);
    url.username = login;
    url.password = secret;
    return url.toString();
  };
  if (!options.separateRuntimeRole) return { url: urlOf(role, password), schema: service };
  const runtimeRole = `${role}_writer`;
  const runtimePassword = `test-${service}-writer-password`;
  await provisionRuntimeRole(suiteDatabaseAdminUrl, { role: runtimeRole, password: runtimePassword, schema: service });
  return { url: urlOf(runtimeRole, runtimePassword), schema: service, migrationUrl: urlOf(role, password) };
}

/** A topic prefix no other suite (or earlier run) uses. */
export function suiteTopicPrefix(suite: string): string {
  return `test.${suite.replace(/[^A-Za-z0-9-]/g, '-')}.${suffix()}`;
}

/**
 * A demo user's password grant through a client of the run's realm. A fresh Keycloak under the load of a whole run has
 * refused a demo user's correct password (401) while other suites logged in; another try a moment later settles whether
 * the refusal is real.
 */
async function demoUserGrant(clientId: string, username: string): Promise<string> {
  const servers = harnessServers();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchPasswordGrantToken(servers.keycloakUrl, servers.realm, clientId, username, demoRealm.userPassword(username));
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('(401)')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
    }
  }
}

/** A real Keycloak access token for a demo user, through the CLI's public client. */
export async function userToken(username: string): Promise<string> {
  return demoUserGrant('tradewarden-cli', username);
}

/**
 * A real Keycloak access token for a demo user that expires after `lifespanSeconds`, issued through a public client
 * made for it with the admin API of the run's Keycloak (the realm's own clients live for minutes), with the audience the
 * services require. For tests of expired tokens.
 */
export async function shortLivedUserToken(username: string, lifespanSeconds: number): Promise<string> {
  const servers = harnessServers();
  const adminPassword = process.env[HARNESS_ENV.keycloakAdminPassword];
  if (!adminPassword) throw new Error(`${HARNESS_ENV.keycloakAdminPassword} is not set: integration tests must run through the jest "integration" project`);
  const admin = await fetchPasswordGrantToken(servers.keycloakUrl, 'master', 'admin-cli', 'admin', adminPassword);
  const clientId = `short-lived-${suffix()}`;
  const created = await fetch(`${servers.keycloakUrl}/admin/realms/${servers.realm}/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId,
      enabled: true,
      publicClient: true,
      directAccessGrantsEnabled: true,
      attributes: { 'access.token.lifespan': String(lifespanSeconds) },
      protocolMappers: [
        {
          name: 'audience-tradewarden-api',
          protocol: 'openid-connect',
          protocolMapper: 'oidc-audience-mapper',
          config: { 'included.client.audience': 'tradewarden-api', 'access.token.claim': 'true', 'id.token.claim': 'false' },
        },
      ],
    }),
  });
  if (created.status !== 201) throw new Error(`Keycloak refused to create client ${clientId} (${created.status}): ${await created.text()}`);
  return demoUserGrant(clientId, username);
}

/**
 * The environment every Tradewarden service reads (where it listens, its database, the run's Kafka and Keycloak, its
 * service account), as the launcher sets it, for a service started by a test or a bench against the harness servers.
 */
export function serviceEnvironment(
  service: string,
  where: { port: number; database: { url: string; schema: string; migrationUrl?: string }; topicPrefix: string },
): Record<string, string> {
  const servers = harnessServers();
  const account = serviceAccount(service);
  return {
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(where.port),
    DATABASE_URL: where.database.url,
    DATABASE_SCHEMA: where.database.schema,
    ...(where.database.migrationUrl ? { DATABASE_MIGRATION_URL: where.database.migrationUrl } : {}),
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: where.topicPrefix,
    KEYCLOAK_URL: servers.keycloakUrl,
    KEYCLOAK_REALM: servers.realm,
    SERVICE_CLIENT_ID: account.clientId,
    SERVICE_CLIENT_SECRET: account.clientSecret,
  };
}

/** Demo client credentials of one of Tradewarden's service clients (tradewarden-<service>). */
export function serviceAccount(service: string): { clientId: string; clientSecret: string } {
  const clientId = `tradewarden-${service}`;
  return { clientId, clientSecret: demoRealm.clientSecret(clientId) };
}

/** Retries an assertion until it passes or the timeout expires (for effects that travel through Kafka). */
export async function eventually<T>(assertion: () => Promise<T>, timeoutMs = 30000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await assertion();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  throw lastError;
}
