import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

export const portNumber = z.coerce
  .number({ invalid_type_error: 'must be a port number' })
  .int('must be an integer')
  .min(1, 'must be 1-65535')
  .max(65535, 'must be 1-65535');

export const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port');

/** 'v4' or 'v6' for an ip:port ([ipv6]:port), undefined for anything else (names included). */
function ipPortFamily(value: string): 'v4' | 'v6' | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match || Number(match[3]) < 1 || Number(match[3]) > 65535) return undefined;
  if (match[1] !== undefined) return isIPv6(match[1]) ? 'v6' : undefined;
  return isIPv4(match[2]!) ? 'v4' : undefined;
}

/**
 * Where a service reaches another service's instances, as a gRPC target: `host:port` (every address the name resolves
 * to), `dns:///host:port` (the same, spelled out; e.g. a Kubernetes headless Service), or a comma-separated list of
 * `ip:port` (fixed instances; becomes an `ipv4:`/`ipv6:` target). Calls are spread over the instances and skip ones that
 * are down (round_robin).
 */
export const grpcTarget = z
  .string()
  .trim()
  .transform((value, context) => {
    const refuse = (message: string) => {
      context.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    };
    if (value.startsWith('dns:')) return /^dns:(?:\/\/[A-Za-z0-9.\-:]*\/)?[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(value) ? value : refuse('must be dns:///host:port');
    const parts = value.split(',').map((part) => part.trim());
    if (parts.length === 1) return hostPort.safeParse(value).success ? value : refuse('must be host:port, dns:///host:port or a comma-separated list of ip:port');
    const families = parts.map(ipPortFamily);
    const bad = parts.filter((_, index) => families[index] === undefined);
    if (bad.length > 0) return refuse(`a list takes IP addresses (ip:port); for names use dns:///host:port; not an ip:port: ${bad.join(', ')}`);
    if (new Set(families).size > 1) return refuse('a list is either all IPv4 or all IPv6');
    return `ip${families[0]}:${parts.join(',')}`;
  });

const nonEmpty = z.string().min(1, 'is required');

/** Comma-separated host:port list of Kafka brokers, plus the client id and an optional topic prefix. */
export const kafkaEnv = z.object({
  KAFKA_BROKERS: z
    .string({ required_error: 'is required (comma-separated host:port list)' })
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(hostPort).min(1, 'needs at least one broker')),
  // Lets several isolated deployments (or test suites) share one Kafka cluster.
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'may hold letters, digits, . _ -').default(''),
  // TLS to the brokers; the CA file (PEM) replaces the system CAs when given.
  KAFKA_SSL: z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).default('false'),
  KAFKA_SSL_CA_FILE: z
    .string()
    .min(1)
    .transform((path, context) => {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
        return z.NEVER;
      }
    })
    .optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { errorMap: () => ({ message: 'must be plain, scram-sha-256 or scram-sha-512' }) }).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
});

export interface KafkaSecurity {
  /** TLS to the brokers: true for the system CAs, or the CA certificates (PEM) to trust instead. */
  ssl?: true | { ca: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface KafkaConfig {
  brokers: string[];
  topicPrefix: string;
  security: KafkaSecurity;
}

/**
 * The checks one variable cannot make alone: SASL needs its username and password, and a CA file needs TLS. loadConfig
 * applies them to every schema with the Kafka variables.
 */
export function kafkaSecurityProblems(env: Partial<Record<keyof z.infer<typeof kafkaEnv>, unknown>>): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  if (env.KAFKA_SASL_MECHANISM !== undefined) {
    if (env.KAFKA_SASL_USERNAME === undefined) problems.push({ variable: 'KAFKA_SASL_USERNAME', message: 'is required with KAFKA_SASL_MECHANISM' });
    if (env.KAFKA_SASL_PASSWORD === undefined) problems.push({ variable: 'KAFKA_SASL_PASSWORD', message: 'is required with KAFKA_SASL_MECHANISM (no default: a secret)' });
    if (env.KAFKA_SSL !== 'true') problems.push({ variable: 'KAFKA_SSL', message: 'must be true with KAFKA_SASL_MECHANISM: credentials never cross the network in clear text' });
  } else if (env.KAFKA_SASL_USERNAME !== undefined || env.KAFKA_SASL_PASSWORD !== undefined) {
    problems.push({ variable: 'KAFKA_SASL_MECHANISM', message: 'is required with KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD' });
  }
  if (env.KAFKA_SSL_CA_FILE !== undefined && env.KAFKA_SSL !== 'true') problems.push({ variable: 'KAFKA_SSL', message: 'must be true with KAFKA_SSL_CA_FILE' });
  return problems;
}

function kafkaSecurityOf(env: z.infer<typeof kafkaEnv>): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (env.KAFKA_SSL === 'true') security.ssl = env.KAFKA_SSL_CA_FILE ? { ca: env.KAFKA_SSL_CA_FILE } : true;
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD) {
    security.sasl = { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
  }
  return security;
}

export const databaseEnv = z.object({
  DATABASE_URL: z
    .string({ required_error: 'is required (postgres://user:password@host:port/database)' })
    .url('must be a postgres:// URL'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier'),
  // The schema owner, used only at boot to run migrations and grant DATABASE_URL's role what it needs; when unset,
  // DATABASE_URL's role owns the schema and migrates it itself.
  DATABASE_MIGRATION_URL: z.string().url('must be a postgres:// URL').optional(),
});

export const keycloakEnv = z.object({
  KEYCLOAK_URL: z.string({ required_error: 'is required (e.g. http://127.0.0.1:8180)' }).url('must be a URL'),
  KEYCLOAK_REALM: nonEmpty.default('tradewarden'),
  // Tokens must name this audience; the realm maps it into every client's tokens.
  KEYCLOAK_AUDIENCE: nonEmpty.default('tradewarden-api'),
});

export interface KeycloakConfig {
  url: string;
  realm: string;
  audience: string;
}

/** The service's own confidential client, for calling other services with its service-account token. */
export const serviceAccountEnv = z.object({
  SERVICE_CLIENT_ID: z.string({ required_error: 'is required' }).min(1, 'is required'),
  SERVICE_CLIENT_SECRET: z.string({ required_error: 'is required (no default: a secret)' }).min(1, 'is required'),
});

export interface ServiceAccountConfig {
  clientId: string;
  clientSecret: string;
}

export const grpcListenEnv = z.object({
  GRPC_HOST: z.string().default('127.0.0.1'),
  GRPC_PORT: portNumber,
});

export const telemetryEnv = z.object({
  // When unset, spans are still created (trace ids flow through events) but nothing is exported.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL').optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
});

export interface TelemetryConfig {
  otlpEndpoint?: string;
}

/** What every Tradewarden gRPC service reads: where it listens, its database schema, Kafka and Keycloak. */
export const serviceBaseEnv = kafkaEnv.merge(databaseEnv).merge(keycloakEnv).merge(grpcListenEnv);

export function toServiceBaseConfig(env: z.infer<typeof serviceBaseEnv>) {
  return {
    grpc: { host: env.GRPC_HOST, port: env.GRPC_PORT },
    database: { url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, migrationUrl: env.DATABASE_MIGRATION_URL },
    kafka: { brokers: env.KAFKA_BROKERS, topicPrefix: env.KAFKA_TOPIC_PREFIX, security: kafkaSecurityOf(env) } satisfies KafkaConfig,
    keycloak: { url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, audience: env.KEYCLOAK_AUDIENCE } satisfies KeycloakConfig,
  };
}

export function toServiceAccountConfig(env: z.infer<typeof serviceAccountEnv>): ServiceAccountConfig {
  return { clientId: env.SERVICE_CLIENT_ID, clientSecret: env.SERVICE_CLIENT_SECRET };
}
