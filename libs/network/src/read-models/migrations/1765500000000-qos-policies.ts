import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The names of QoS policies, for their List. */
export class QosPolicies1765500000000 implements MigrationInterface {
  name = 'QosPolicies1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE read_model.qos_policies (
      name text PRIMARY KEY,
      parent text NOT NULL,
      create_time timestamptz NOT NULL
    )`);
    await runner.query(
      'CREATE INDEX qos_policies_parent ON read_model.qos_policies (parent, name)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE read_model.qos_policies');
  }
}
