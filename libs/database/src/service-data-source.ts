import { DataSource, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName: string;
  /** The schema owner's URL, for migrations only; `url`'s role is then granted access (grantRuntimeAccess). */
  migrationUrl?: string;
  /** Tables the running service may only read and append to; it refuses to start if its role could change them. */
  appendOnlyTables?: readonly string[];
}

/**
 * A TypeORM data source bound to one service's schema. Schema changes come only from migrations (never
 * `synchronize`); the search_path pins unqualified names in migrations to the service's schema.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Failed queries surface as exceptions, logged where they are handled; logging them here too doubled every
    // expected unique-violation (idempotent repeats) as noise.
    logging: ['warn', 'migration'],
    applicationName: options.applicationName,
    extra: {
      max: options.poolSize ?? 10,
      options: `-c search_path=${options.schema}`,
    },
  });
}

/**
 * Runs pending migrations while holding a session advisory lock keyed by the schema, so that several instances of a
 * service starting together do not apply the same migration twice.
 */
export async function runMigrationsExclusively(dataSource: DataSource, schema: string, afterMigrations?: (manager: EntityManager) => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`tradewarden:migrations:${schema}`]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      // Under the same lock: concurrent GRANTs on one table can fail with "tuple concurrently updated".
      if (afterMigrations) await runner.manager.transaction(afterMigrations);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`tradewarden:migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
