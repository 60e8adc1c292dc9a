export { createServiceDataSource, runMigrationsExclusively } from './service-data-source';
export type { ServiceDataSourceOptions } from './service-data-source';
export { provisionServiceSchema, provisionRuntimeRole, ensureDatabase, quoteIdent } from './provision';
export type { ServiceSchemaSpec } from './provision';
export { DatabaseModule, DATA_SOURCE } from './database.module';
export { isUniqueViolation } from './pg-errors';
export { assertAppendOnlyForRuntime, grantRuntimeAccess } from './runtime-role';
export { openServiceDataSource } from './open-data-source';
