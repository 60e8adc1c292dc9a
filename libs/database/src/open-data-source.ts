import type { DataSource } from 'typeorm';
import { assertAppendOnlyForRuntime, currentRoleOf, grantRuntimeAccess } from './runtime-role';
import { createServiceDataSource, runMigrationsExclusively, type ServiceDataSourceOptions } from './service-data-source';

/**
 * Applies pending migrations: as the service's own role when it owns the schema, or as the owner (migrationUrl), which
 * then grants the service's role access to the tables, append-only ones for reading and inserting only.
 */
async function migrate(dataSource: DataSource, options: ServiceDataSourceOptions): Promise<void> {
  if (!options.migrationUrl) {
    await runMigrationsExclusively(dataSource, options.schema);
    return;
  }
  const runtimeRole = await currentRoleOf(dataSource);
  // Two connections: one holds the migration lock while the migrations run on the other.
  const owner = createServiceDataSource({ ...options, url: options.migrationUrl, poolSize: 2, applicationName: `${options.applicationName}-migrations` });
  await owner.initialize();
  try {
    await runMigrationsExclusively(owner, options.schema, (manager) => grantRuntimeAccess(manager, options.schema, runtimeRole, options.appendOnlyTables ?? []));
  } finally {
    await owner.destroy();
  }
}

/** The service's data source, connected and migrated, after checking that its role cannot change append-only tables. */
export async function openServiceDataSource(options: ServiceDataSourceOptions): Promise<DataSource> {
  const dataSource = createServiceDataSource(options);
  await dataSource.initialize();
  try {
    await migrate(dataSource, options);
    if (options.appendOnlyTables?.length) await assertAppendOnlyForRuntime(dataSource, options.schema, options.appendOnlyTables);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
