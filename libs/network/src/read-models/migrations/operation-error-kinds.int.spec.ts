import { runMigrations } from '@loom/postgres';
import { projectionMigrations } from '@loom/projections';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { CreateNetworkReadModels1764200000000 } from './1764200000000-create-network-read-models';
import { networkReadModelMigrations } from '.';

describe('migration OperationErrorKinds1764600000000', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('leaves error kinds as they are and turns any other stored code into internal', async () => {
    await runMigrations(database.url, [
      ...projectionMigrations,
      CreateNetworkReadModels1764200000000,
    ]);
    const codes = [null, 'unavailable', 'resource-exhausted', 'UNAVAILABLE', 'capacity'];
    for (const [index, code] of codes.entries()) {
      await database.pool.query(
        `INSERT INTO read_model.operations
           (name, tenant_id, parent, target, verb, done, error_code, create_time)
         VALUES ($1, 'acme', 'tenants/acme', 'tenants/acme/vpcs/prod', 'create', true, $2, now())`,
        [`tenants/acme/operations/op-${index}`, code],
      );
    }

    const ran = await runMigrations(database.url, [
      ...projectionMigrations,
      ...networkReadModelMigrations,
    ]);

    // This one, and every one written after it.
    expect(ran).toEqual(networkReadModelMigrations.slice(1).map((migration) => migration.name));
    expect(ran[0]).toBe('OperationErrorKinds1764600000000');
    const { rows } = await database.pool.query<{ error_code: string | null }>(
      `SELECT error_code FROM read_model.operations ORDER BY name`,
    );
    expect(rows.map((row) => row.error_code)).toEqual([
      null,
      'unavailable',
      'resource-exhausted',
      'internal',
      'internal',
    ]);
  });
});
