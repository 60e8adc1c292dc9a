import { createServiceDataSource, runMigrationsExclusively } from '@tradewarden/database';
import { createSuiteDatabase, provisionServiceDatabase } from '@tradewarden/test-harness';
import { APPROVAL_ENTITIES, APPROVAL_MIGRATIONS } from '../../services/approval/src/approval-schema';
import { AUDIT_ENTITIES, AUDIT_MIGRATIONS } from '../../services/audit/src/audit-schema';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../services/gateway/src/gateway-schema';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from '../../services/identity/src/identity-schema';
import { INTAKE_ENTITIES, INTAKE_MIGRATIONS } from '../../services/intake/src/intake-schema';

// Schema changes come only from migrations; this fails when an entity changed without one (what
// `typeorm migration:generate` would produce is empty), and checks every migration's down() undoes its up().
describe.each([
  ['identity', IDENTITY_ENTITIES, IDENTITY_MIGRATIONS],
  ['intake', INTAKE_ENTITIES, INTAKE_MIGRATIONS],
  ['approval', APPROVAL_ENTITIES, APPROVAL_MIGRATIONS],
  ['gateway', GATEWAY_ENTITIES, GATEWAY_MIGRATIONS],
  ['audit', AUDIT_ENTITIES, AUDIT_MIGRATIONS],
] as const)('%s migrations', (service, entities, migrations) => {
  it('create exactly the schema its entities describe, and revert cleanly', async () => {
    const database = await provisionServiceDatabase(await createSuiteDatabase(`migrations_${service}`), service);
    const dataSource = createServiceDataSource({
      url: database.url,
      schema: database.schema,
      entities: [...entities],
      migrations: [...migrations],
      applicationName: `migration-check-${service}`,
    });
    await dataSource.initialize();
    try {
      await runMigrationsExclusively(dataSource, database.schema);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
      for (let i = 0; i < migrations.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
      const tables: { table_name: string }[] = await dataSource.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'typeorm_migrations'",
        [database.schema],
      );
      expect(tables).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
