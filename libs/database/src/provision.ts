import { Client } from 'pg';

export interface ServiceSchemaSpec {
  /** Login role the service connects as; it owns its schema and nothing else. */
  role: string;
  password: string;
  schema: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Quotes an identifier we generated ourselves; refuses anything that is not a plain lower-case name. */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Creates the login role, or resets its password when it exists. */
async function ensureLoginRole(client: Client, spec: { role: string; password: string }): Promise<void> {
  const role = quoteIdent(spec.role);
  // Roles are cluster-wide while advisory locks are per database, so two databases provisioned at once can race on
  // CREATE ROLE: the loser (duplicate_object, or unique_violation on pg_authid) updates the winner's role instead.
  const existing = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [spec.role]);
  if (existing.rowCount === 0) {
    try {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${quoteLiteral(spec.password)}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw error;
    }
  }
  await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${quoteLiteral(spec.password)}`);
}

/** Creates the database if missing (connecting to the server's maintenance database). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const maintenance = new URL(adminUrl);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Gives a service its own login role and schema: the role owns the schema, cannot create objects elsewhere and
 * cannot read other services' schemas. Idempotent; the password is reset to the given one each time.
 */
export async function provisionServiceSchema(adminUrl: string, spec: ServiceSchemaSpec): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const role = quoteIdent(spec.role);
    const schema = quoteIdent(spec.schema);
    await ensureLoginRole(client, spec);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
    await client.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${role}`);
    await client.query(`ALTER ROLE ${role} IN DATABASE ${quoteIdent(database)} SET search_path = ${schema}`);
  } finally {
    await client.end();
  }
}

/**
 * A login role for a service that must not own its schema (the audit service's runtime role): it can connect, finds the
 * schema on its search path, and gets its table privileges from the owner when the service migrates (grantRuntimeAccess).
 */
export async function provisionRuntimeRole(adminUrl: string, spec: ServiceSchemaSpec): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const role = quoteIdent(spec.role);
    await ensureLoginRole(client, spec);
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${role}`);
    await client.query(`ALTER ROLE ${role} IN DATABASE ${quoteIdent(database)} SET search_path = ${quoteIdent(spec.schema)}`);
  } finally {
    await client.end();
  }
}
