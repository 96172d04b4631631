import { runMigrations } from '@loom/postgres';
import { projectionMigrations } from '@loom/projections';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { networkReadModelMigrations } from '.';

describe('migration EtagsCountEveryChange1765200000000', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('rebuilds the tenants and ports read models from the log, and leaves the others alone', async () => {
    const before = networkReadModelMigrations.filter(
      (migration) => migration.name !== 'EtagsCountEveryChange1765200000000',
    );
    await runMigrations(database.url, [...projectionMigrations, ...before]);
    const { pool } = database;
    await pool.query(
      `INSERT INTO read_model.tenants (name, tenant_id, display_name, quota, usage, version, create_time, update_time)
       VALUES ('tenants/acme', 'acme', '', '{}', '{}', 1, now(), now())`,
    );
    await pool.query(
      `INSERT INTO read_model.ports (name, tenant_id, parent, display_name, kind, fixed_ip, mac_address,
         binding, status, status_reason, version, create_time, update_time)
       VALUES ('tenants/acme/vpcs/v/subnets/s/ports/p', 'acme', 'tenants/acme/vpcs/v/subnets/s', '',
         'VIRTUAL_MACHINE', '10.0.1.2', '02:00:00:00:00:01', NULL, 'ACTIVE', '', 1, now(), now())`,
    );
    await pool.query(
      `INSERT INTO read_model.vpcs (name, tenant_id, parent, display_name, cidr_blocks, routing, state, version, create_time, update_time)
       VALUES ('tenants/acme/vpcs/v', 'acme', 'tenants/acme', '', '[]', '{}', 'READY', 1, now(), now())`,
    );
    await pool.query(
      `INSERT INTO read_model.projection_checkpoints (projection_name, position)
       VALUES ('tenants', 40), ('ports', 41), ('vpcs', 42)`,
    );

    const ran = await runMigrations(database.url, [
      ...projectionMigrations,
      ...networkReadModelMigrations,
    ]);

    expect(ran).toEqual(['EtagsCountEveryChange1765200000000']);
    const count = async (table: string) =>
      Number(
        (await pool.query<{ count: string }>(`SELECT count(*) FROM read_model.${table}`)).rows[0]
          ?.count,
      );
    expect([await count('tenants'), await count('ports'), await count('vpcs')]).toEqual([0, 0, 1]);
    const { rows } = await pool.query<{ projection_name: string; position: string | null }>(
      `SELECT projection_name, position FROM read_model.projection_checkpoints
        ORDER BY projection_name`,
    );
    expect(rows).toEqual([
      { projection_name: 'ports', position: null },
      { projection_name: 'tenants', position: null },
      { projection_name: 'vpcs', position: '42' },
    ]);
  });
});
