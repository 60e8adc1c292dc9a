import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceBaseEnv, toServiceBaseConfig } from './common-env';
import { ConfigError, loadConfig } from './load-config';

const base = {
  KAFKA_BROKERS: 'kafka-1.internal:9093',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  DATABASE_SCHEMA: 'intake',
  KEYCLOAK_URL: 'http://keycloak:8080',
  GRPC_PORT: '50052',
};

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig('intake', serviceBaseEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('Kafka TLS and SASL settings', () => {
  it('is plaintext by default, as the local platform runs', () => {
    expect(toServiceBaseConfig(loadConfig('intake', serviceBaseEnv, base)).kafka.security).toEqual({});
  });

  it('reads TLS with the system CAs, or with a CA file, and SASL credentials', () => {
    const directory = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    const caFile = join(directory, 'ca.crt');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(toServiceBaseConfig(loadConfig('intake', serviceBaseEnv, { ...base, KAFKA_SSL: 'true' })).kafka.security).toEqual({ ssl: true });
    const secured = toServiceBaseConfig(
      loadConfig('intake', serviceBaseEnv, { ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'tw-intake', KAFKA_SASL_PASSWORD: 's3cret' }),
    ).kafka.security;
    expect(secured).toEqual({ ssl: { ca: expect.stringContaining('BEGIN CERTIFICATE') as unknown }, sasl: { mechanism: 'scram-sha-512', username: 'tw-intake', password: 's3cret' } });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SSL: 'true' }, ['KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM', 'KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM (no default: a secret)']],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, ['KAFKA_SSL: must be true with KAFKA_SASL_MECHANISM: credentials never cross the network in clear text']],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, ['KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD']],
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, ['KAFKA_SASL_MECHANISM: must be plain, scram-sha-256 or scram-sha-512']],
    [{ KAFKA_SSL: 'yes' }, ['KAFKA_SSL: must be true or false']],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' }, ['KAFKA_SSL_CA_FILE: cannot read /nonexistent/ca.crt (ENOENT)']],
    [{ KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' }, ['KAFKA_SSL_CA_FILE: cannot read /nonexistent/ca.crt (ENOENT)', 'KAFKA_SSL: must be true with KAFKA_SSL_CA_FILE']],
  ])('refuses %p naming each variable', (extra, problems) => {
    expect(problemsOf({ ...base, ...extra })).toEqual(problems);
  });
});
