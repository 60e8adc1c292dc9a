import { Client } from 'pg';
import { assertAppendOnlyForRuntime, createServiceDataSource, openServiceDataSource } from '@tradewarden/database';
import { createSuiteDatabase, provisionServiceDatabase } from '@tradewarden/test-harness';
import { AUDIT_APPEND_ONLY_TABLES, AUDIT_ENTITIES, AUDIT_MIGRATIONS } from './audit-schema';

const OPTIONS = { entities: AUDIT_ENTITIES, migrations: AUDIT_MIGRATIONS, applicationName: 'audit-roles-test', appendOnlyTables: AUDIT_APPEND_ONLY_TABLES };

async function asRole(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const RECORD = `INSERT INTO audit_records (sequence, recorded_at, occurred_at, event_id, event_type, source_topic, actor_subject, actor_username,
  actor_roles, actor_client, operation_id, server_id, trace_id, details, previous_hash, hash)
  VALUES (1, now(), '2026-11-27T00:00:00.000Z', 'e-1', 'AccessDenied', 't', '', 'service:test', '{}', '', '', '', '', '{}', 'p', 'h')`;

// The trail is append-only for the audit service itself (issue 6): the schema owner migrates, the role the service runs
// as may read and insert only, and a service configured with a role that could change history refuses to start.
describe('the audit store: owner and runtime role', () => {
  let suiteDatabase: string;
  let database: { url: string; schema: string; migrationUrl?: string };

  beforeAll(async () => {
    suiteDatabase = await createSuiteDatabase('audit_roles');
    database = await provisionServiceDatabase(suiteDatabase, 'audit', { separateRuntimeRole: true });
  });

  it('migrates as the owner, then reads and appends as the runtime role, which can neither change nor unprotect a record', async () => {
    const dataSource = await openServiceDataSource({ ...OPTIONS, url: database.url, schema: database.schema, migrationUrl: database.migrationUrl });
    try {
      await dataSource.query(RECORD);
      await dataSource.query("UPDATE audit_chain_head SET sequence = 1, hash = 'h' WHERE id = 1");
      expect(await dataSource.query('SELECT event_id FROM audit_records')).toEqual([{ event_id: 'e-1' }]);
      for (const table of AUDIT_APPEND_ONLY_TABLES) {
        for (const statement of [`UPDATE ${table} SET sequence = 2`, `DELETE FROM ${table}`, `TRUNCATE ${table}`, `ALTER TABLE ${table} DISABLE TRIGGER ALL`, `DROP TABLE ${table}`]) {
          await expect(asRole(database.url, statement)).rejects.toThrow(/permission denied|must be owner/);
        }
      }
      await expect(asRole(database.url, "INSERT INTO typeorm_migrations (timestamp, name) VALUES (1, 'forged')")).rejects.toThrow(/permission denied/);
    } finally {
      await dataSource.destroy();
    }
    // A second start (another instance, a restart) finds nothing to migrate and grants again without error.
    const again = await openServiceDataSource({ ...OPTIONS, url: database.url, schema: database.schema, migrationUrl: database.migrationUrl });
    await again.destroy();
  });

  it('refuses to run as the owner of the trail, naming the table', async () => {
    await expect(openServiceDataSource({ ...OPTIONS, url: database.migrationUrl!, schema: database.schema })).rejects.toThrow(/owns audit\.audit_records and could switch its append-only trigger off/);
  });

  it('refuses a role that was granted UPDATE on the trail', async () => {
    const runtimeRole = new URL(database.url).username;
    await asRole(database.migrationUrl!, `GRANT UPDATE ON audit_checkpoints TO ${runtimeRole}`);
    const dataSource = createServiceDataSource({ ...OPTIONS, url: database.url, schema: database.schema });
    await dataSource.initialize();
    try {
      await expect(assertAppendOnlyForRuntime(dataSource, database.schema, AUDIT_APPEND_ONLY_TABLES)).rejects.toThrow(/may UPDATE, DELETE or TRUNCATE audit\.audit_checkpoints/);
    } finally {
      await asRole(database.migrationUrl!, `REVOKE UPDATE ON audit_checkpoints FROM ${runtimeRole}`);
      await dataSource.destroy();
    }
  });

  it('refuses a superuser', async () => {
    const dataSource = createServiceDataSource({ ...OPTIONS, url: suiteDatabase, schema: database.schema });
    await dataSource.initialize();
    try {
      await expect(assertAppendOnlyForRuntime(dataSource, database.schema, AUDIT_APPEND_ONLY_TABLES)).rejects.toThrow(/is a superuser/);
    } finally {
      await dataSource.destroy();
    }
  });
});
