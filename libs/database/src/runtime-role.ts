import type { DataSource, EntityManager } from 'typeorm';
import { quoteIdent } from './provision';

/**
 * Gives the role a service runs as what it needs in the schema the owner just migrated: reading and writing its tables,
 * except that append-only tables take only SELECT and INSERT, and the migrations table only SELECT. Runs as the owner.
 */
export async function grantRuntimeAccess(owner: EntityManager, schema: string, runtimeRole: string, appendOnlyTables: readonly string[]): Promise<void> {
  const role = quoteIdent(runtimeRole);
  const namespace = quoteIdent(schema);
  await owner.query(`GRANT USAGE ON SCHEMA ${namespace} TO ${role}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${namespace} TO ${role}`);
  await owner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${namespace} TO ${role}`);
  await owner.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${namespace}.typeorm_migrations FROM ${role}`);
  for (const table of appendOnlyTables) await owner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${namespace}.${quoteIdent(table)} FROM ${role}`);
}

/** The role a data source's connections log in as. */
export async function currentRoleOf(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query('SELECT current_user AS role')) as { role: string }[];
  return row!.role;
}

/**
 * Refuses to run when the service's own role could change history: a superuser, the owner of an append-only table (who
 * could switch its triggers off), or a role that may UPDATE, DELETE or TRUNCATE one. Names the table and the fix.
 */
export async function assertAppendOnlyForRuntime(dataSource: DataSource, schema: string, appendOnlyTables: readonly string[]): Promise<void> {
  const role = await currentRoleOf(dataSource);
  const [superuser] = (await dataSource.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')) as { rolsuper: boolean }[];
  const fix = 'give DATABASE_URL a role of its own and DATABASE_MIGRATION_URL the schema owner (docs/deployment.md)';
  if (superuser?.rolsuper) throw new Error(`database role ${role} is a superuser and could alter the append-only tables: ${fix}`);
  const rows = (await dataSource.query(
    `SELECT t.name, c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS owns,
            has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE') AS can_change
       FROM unnest($2::text[]) AS t(name)
       JOIN pg_class c ON c.relname = t.name AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)`,
    [schema, appendOnlyTables],
  )) as { name: string; owns: boolean; can_change: boolean }[];
  const missing = appendOnlyTables.filter((table) => !rows.some((row) => row.name === table));
  if (missing.length > 0) throw new Error(`append-only tables ${missing.join(', ')} are missing from schema ${schema}: migrations not applied?`);
  for (const row of rows) {
    if (row.owns) throw new Error(`database role ${role} owns ${schema}.${row.name} and could switch its append-only trigger off: ${fix}`);
    if (row.can_change) throw new Error(`database role ${role} may UPDATE, DELETE or TRUNCATE ${schema}.${row.name}: ${fix}`);
  }
}
