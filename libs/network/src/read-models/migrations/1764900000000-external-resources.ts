import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The names of external networks, VPC external gateways and floating IPs, for their Lists. */
export class ExternalResources1764900000000 implements MigrationInterface {
  name = 'ExternalResources1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE read_model.external_resources (
      name text PRIMARY KEY,
      kind text NOT NULL,
      parent text NOT NULL,
      create_time timestamptz NOT NULL
    )`);
    await runner.query(
      'CREATE INDEX external_resources_kind_parent ON read_model.external_resources (kind, parent, name)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE read_model.external_resources');
  }
}
