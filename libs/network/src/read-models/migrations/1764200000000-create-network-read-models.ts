import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The resource state the portal reads: one row per live resource, kept by the projections. */
export class CreateNetworkReadModels1764200000000 implements MigrationInterface {
  name = 'CreateNetworkReadModels1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS read_model`);
    await runner.query(`
      CREATE TABLE read_model.tenants (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        display_name text NOT NULL,
        quota jsonb NOT NULL,
        usage jsonb NOT NULL,
        version integer NOT NULL,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE read_model.vpcs (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        parent text NOT NULL,
        display_name text NOT NULL,
        cidr_blocks jsonb NOT NULL,
        routing jsonb NOT NULL,
        state text NOT NULL,
        version integer NOT NULL,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE read_model.subnets (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        parent text NOT NULL,
        display_name text NOT NULL,
        cidr text NOT NULL,
        gateway_ip text NOT NULL,
        l2_vni integer NOT NULL,
        state text NOT NULL,
        version integer NOT NULL,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE read_model.ports (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        parent text NOT NULL,
        display_name text NOT NULL,
        kind text NOT NULL,
        fixed_ip text NOT NULL,
        mac_address text NOT NULL,
        binding jsonb,
        status text NOT NULL,
        status_reason text NOT NULL,
        version integer NOT NULL,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE read_model.operations (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        parent text NOT NULL,
        target text NOT NULL,
        verb text NOT NULL,
        done boolean NOT NULL,
        error_code text,
        error_message text,
        create_time timestamptz NOT NULL,
        end_time timestamptz
      )`);
    for (const table of ['vpcs', 'subnets', 'ports', 'operations']) {
      await runner.query(`CREATE INDEX ${table}_parent_name ON read_model.${table} (parent, name)`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['tenants', 'vpcs', 'subnets', 'ports', 'operations']) {
      await runner.query(`DROP TABLE read_model.${table}`);
    }
  }
}
