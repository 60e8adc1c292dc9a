import { z } from 'zod';
import { databaseEnv, grpcListenEnv, kafkaEnv } from './common-env';
import { ConfigError, loadConfig } from './load-config';

const schema = kafkaEnv.merge(databaseEnv).merge(grpcListenEnv);

describe('loadConfig', () => {
  it('returns typed, transformed values', () => {
    const config = loadConfig('svc', schema, {
      KAFKA_BROKERS: '127.0.0.1:9092, 10.0.0.2:9092',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      DATABASE_SCHEMA: 'intake',
      GRPC_PORT: '50052',
    });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '10.0.0.2:9092']);
    expect(config.GRPC_PORT).toBe(50052);
    expect(config.GRPC_HOST).toBe('127.0.0.1');
    expect(config.KAFKA_TOPIC_PREFIX).toBe('');
  });

  it('lists every bad or missing variable at once, by name', () => {
    let error: unknown;
    try {
      loadConfig('intake', schema, { KAFKA_BROKERS: 'not a broker', DATABASE_SCHEMA: 'Bad-Name', GRPC_PORT: '70000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('intake: invalid configuration');
    for (const variable of ['KAFKA_BROKERS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'GRPC_PORT']) expect(message).toContain(variable);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('gives secrets no default', () => {
    const secrets = z.object({ SECRET: z.string({ required_error: 'is required (no default: a secret)' }) });
    expect(() => loadConfig('svc', secrets, {})).toThrow('SECRET: is required (no default: a secret)');
  });
});
