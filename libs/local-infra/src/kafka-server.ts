import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startManagedProcess, runToCompletion } from './managed-process';
import { assertPortFree, waitFor } from './ports';
import { javaBinary, requireJavaAndMaven } from './prerequisites';
import { workspaceRoot } from './workspace-root';

/**
 * Kafka 3.9.1: the newest line that still serves every protocol version kafkajs 2.2.4 speaks (Kafka 4.0 removed old
 * request versions). Proven by libs/messaging's kafkajs compatibility test (produce, group consume, rebalance,
 * commit). Must match infra/kafka/pom.xml.
 */
export const KAFKA_VERSION = '3.9.1';

export interface KafkaServerOptions {
  dataDir: string;
  port: number;
  controllerPort: number;
  /** Default partitions of auto-created topics; Tradewarden creates its own topics explicitly. */
  heapMb?: number;
  /**
   * A second listener with TLS and SASL/PLAIN, as brokers' production clusters run (the PLAINTEXT one stays for the
   * broker itself and readiness): its certificate and PKCS#8 key (PEM), and the users it accepts.
   */
  saslSsl?: { port: number; certificatePem: string; privateKeyPem: string; plainUsers: Record<string, string> };
}

export interface KafkaServer {
  bootstrap: string;
  logFile: string;
  stop(): Promise<void>;
}

function ensureBrokerJars(): string {
  const root = workspaceRoot();
  const pom = join(root, 'infra', 'kafka', 'pom.xml');
  const libs = join(root, '.cache', `kafka-${KAFKA_VERSION}`, 'libs');
  // The marker names the pom's hash: editing the pom (a dependency bump) refetches instead of mixing jar sets.
  const marker = join(libs, `.complete-${createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16)}`);
  if (!existsSync(marker)) {
    requireJavaAndMaven();
    rmSync(libs, { recursive: true, force: true });
    runToCompletion(
      'mvn',
      ['-B', '-q', '-f', join(root, 'infra', 'kafka', 'pom.xml'), `-Dkafka.version=${KAFKA_VERSION}`, 'process-resources'],
      `fetching Kafka ${KAFKA_VERSION} from Maven Central`,
    );
    writeFileSync(marker, new Date().toISOString());
  }
  return libs;
}

/** A value of a Java properties file: line breaks as \n escapes (PEM blocks are written inline). */
function propertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
}

function saslSslProperties(secure: NonNullable<KafkaServerOptions['saslSsl']>): string[] {
  const users = Object.entries(secure.plainUsers)
    .map(([user, password]) => `user_${user}="${password.replace(/"/g, '\\"')}"`)
    .join(' ');
  return [
    'sasl.enabled.mechanisms=PLAIN',
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.certificate.chain=${propertyValue(secure.certificatePem)}`,
    `ssl.keystore.key=${propertyValue(secure.privateKeyPem)}`,
  ];
}

function brokerProperties(options: KafkaServerOptions, logDir: string): string {
  const secure = options.saslSsl ? `,SASL_SSL://127.0.0.1:${options.saslSsl.port}` : '';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}${secure}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}${secure}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    ...(options.saslSsl ? saslSslProperties(options.saslSsl) : []),
    `log.dirs=${logDir}`,
    'num.partitions=3',
    // A single node: internal topics cannot have more replicas than brokers.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/**
 * Starts a single-node KRaft broker from the jars on Maven Central (fetched once into .cache/), keeping its log
 * directory in dataDir between runs. Ready when kafkajs can list topics.
 */
export async function startKafka(options: KafkaServerOptions): Promise<KafkaServer> {
  requireJavaAndMaven();
  const libs = ensureBrokerJars();
  await assertPortFree(options.port, 'Kafka', 'KAFKA_PORT');
  await assertPortFree(options.controllerPort, 'the Kafka controller', 'KAFKA_CONTROLLER_PORT');
  if (options.saslSsl) await assertPortFree(options.saslSsl.port, 'the Kafka TLS/SASL listener', 'KAFKA_SASL_SSL_PORT');
  const logDir = join(options.dataDir, 'kraft-logs');
  mkdirSync(logDir, { recursive: true });
  const propertiesFile = join(options.dataDir, 'server.properties');
  writeFileSync(propertiesFile, brokerProperties(options, logDir));
  const classpath = `${libs}/*`;
  const heap = options.heapMb ?? 512;
  const jvm = [`-Xms128m`, `-Xmx${heap}m`, '-XX:+UseG1GC', '-Djava.awt.headless=true', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info'];
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url');
    runToCompletion(
      javaBinary(),
      [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propertiesFile, '--ignore-formatted'],
      'formatting Kafka storage',
    );
  }
  const process = startManagedProcess(javaBinary(), [...jvm, '-cp', classpath, 'kafka.Kafka', propertiesFile], {
    logFile: join(options.dataDir, 'kafka.log'),
  });
  const bootstrap = `127.0.0.1:${options.port}`;
  const kafka = new Kafka({ clientId: 'tradewarden-readiness', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  try {
    await waitFor(
      `Kafka on ${bootstrap} (log: ${process.logFile})`,
      async () => {
        if (process.child.exitCode !== null) throw new Error(`Kafka exited with code ${process.child.exitCode}`);
        const admin = kafka.admin();
        try {
          await admin.connect();
          await admin.listTopics();
          return true;
        } finally {
          await admin.disconnect();
        }
      },
      60000,
    );
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { bootstrap, logFile: process.logFile, stop: () => process.stop(30000) };
}
