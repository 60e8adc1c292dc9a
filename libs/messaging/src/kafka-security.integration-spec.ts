import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { loadConfig, serviceBaseEnv, toServiceBaseConfig } from '@tradewarden/config';
import { freePort, startKafka, workspaceRoot, type KafkaServer } from '@tradewarden/local-infra';
import { createKafka, ensureTopics } from './kafka-client';

// Brokers run Kafka behind TLS and SASL; every service reads KAFKA_SSL, KAFKA_SSL_CA_FILE and KAFKA_SASL_* (libs/config)
// into its Kafka client. Here against a real broker with a SASL_SSL listener and a certificate of its own.
describe('Kafka over TLS with SASL', () => {
  let server: KafkaServer;
  let dataDir: string;
  let secureBroker: string;
  let caFile: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(workspaceRoot(), '.data', 'kafka-sasl-ssl-'));
    const pems = await generate([{ name: 'commonName', value: 'kafka.tradewarden.test' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    caFile = join(dataDir, 'ca.crt');
    writeFileSync(caFile, pems.cert);
    const ports = { port: await freePort(), controllerPort: await freePort(), secure: await freePort() };
    server = await startKafka({
      dataDir,
      port: ports.port,
      controllerPort: ports.controllerPort,
      heapMb: 384,
      saslSsl: {
        port: ports.secure,
        certificatePem: pems.cert,
        privateKeyPem: createPrivateKey(pems.private).export({ type: 'pkcs8', format: 'pem' }).toString(),
        plainUsers: { 'tw-intake': 'intake-secret' },
      },
    });
    secureBroker = `127.0.0.1:${ports.secure}`;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const securityFrom = (variables: Record<string, string>) =>
    toServiceBaseConfig(
      loadConfig('intake', serviceBaseEnv, {
        KAFKA_BROKERS: secureBroker,
        DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
        DATABASE_SCHEMA: 'intake',
        KEYCLOAK_URL: 'http://127.0.0.1:8080',
        GRPC_PORT: '50052',
        ...variables,
      }),
    ).kafka.security;


  it('produces and consumes with the configured CA and credentials', async () => {
    const kafka = createKafka('tls-sasl-test', [secureBroker], securityFrom({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'tw-intake', KAFKA_SASL_PASSWORD: 'intake-secret' }));
    await ensureTopics(kafka, [{ topic: 'secure-topic', numPartitions: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'secure-topic', messages: [{ key: 'k', value: 'over TLS' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'secure-readers' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'secure-topic', fromBeginning: true });
      const value = await new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) });
      });
      expect(value).toBe('over TLS');
    } finally {
      await consumer.disconnect();
    }
  }, 120_000);

  it('is refused with a wrong password', async () => {
    const kafka = createKafka('tls-sasl-test', [secureBroker], securityFrom({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'tw-intake', KAFKA_SASL_PASSWORD: 'wrong' }));
    const admin = kafka.admin({ retry: { retries: 0 } });
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
  }, 60_000);

  it('does not trust the broker without its CA (the system CAs do not know it)', async () => {
    const kafka = createKafka('tls-sasl-test', [secureBroker], securityFrom({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'tw-intake', KAFKA_SASL_PASSWORD: 'intake-secret' }));
    const admin = kafka.admin({ retry: { retries: 0 } });
    await expect(admin.connect()).rejects.toThrow(/self.signed|certificate|unable to verify/i);
  }, 60_000);
});
