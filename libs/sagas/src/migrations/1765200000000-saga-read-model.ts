import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard filters sagas by, as columns of the index computed from each saga's input and
 * resource key (stored generated columns: no writer has to know them, and existing rows get them
 * when the migration runs), with an index per filter that keeps newest-first pages keyset-paged:
 *
 * - `leaf`: the input's `leaf`, else the `leaf/{leaf}` of the resource key;
 * - `resource`: the resource the saga serves, the input's `port`, `gateway`, `floatingIp` or
 *   `resource` (an AIP name such as `tenants/acme/vpcs/blue/subnets/web/ports/vm1`);
 * - `tenant`: the tenant of that resource, or of the input's `operation`;
 * - `operation`: the input's `operation` (`tenants/{t}/operations/{o}`).
 */
export class SagaReadModel1765200000000 implements MigrationInterface {
  name = 'SagaReadModel1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION sagas.input_text(input jsonb, field text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE WHEN jsonb_typeof(input -> field) = 'string' THEN input ->> field END`);
    await runner.query(`
      CREATE FUNCTION sagas.input_resource(input jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN coalesce(sagas.input_text(input, 'port'), sagas.input_text(input, 'gateway'),
        sagas.input_text(input, 'floatingIp'), sagas.input_text(input, 'resource'))`);
    await runner.query(`
      ALTER TABLE sagas.instances
        ADD COLUMN leaf text GENERATED ALWAYS AS (coalesce(sagas.input_text(input, 'leaf'),
          substring(resource_key FROM '^leaf/(.+)$'))) STORED,
        ADD COLUMN resource text GENERATED ALWAYS AS (sagas.input_resource(input)) STORED,
        ADD COLUMN tenant text GENERATED ALWAYS AS (substring(coalesce(sagas.input_resource(input),
          sagas.input_text(input, 'operation')) FROM '^tenants/([^/]+)')) STORED,
        ADD COLUMN operation text GENERATED ALWAYS AS (sagas.input_text(input, 'operation')) STORED`);
    await runner.query(`CREATE INDEX instances_by_type ON sagas.instances (type, created_seq)`);
    await runner.query(`CREATE INDEX instances_by_leaf ON sagas.instances (leaf, created_seq)`);
    await runner.query(`CREATE INDEX instances_by_tenant ON sagas.instances (tenant, created_seq)`);
    await runner.query(
      `CREATE INDEX instances_by_resource ON sagas.instances (resource text_pattern_ops)`,
    );
    await runner.query(`CREATE INDEX instances_by_created_at ON sagas.instances (created_at)`);
    await runner.query(
      `CREATE INDEX instances_by_updated_at ON sagas.instances (updated_at, created_seq)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of ['type', 'leaf', 'tenant', 'resource', 'created_at', 'updated_at']) {
      await runner.query(`DROP INDEX sagas.instances_by_${index}`);
    }
    await runner.query(`
      ALTER TABLE sagas.instances
        DROP COLUMN leaf, DROP COLUMN resource, DROP COLUMN tenant, DROP COLUMN operation`);
    await runner.query(`DROP FUNCTION sagas.input_resource(jsonb)`);
    await runner.query(`DROP FUNCTION sagas.input_text(jsonb, text)`);
  }
}
