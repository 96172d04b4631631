import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `read_model` schema every projection writes into, and the checkpoint of each projection.
 * A NULL position means the row exists (so runners can lock it) but nothing was applied yet.
 */
export class CreateProjectionCheckpoints1764100000000 implements MigrationInterface {
  name = 'CreateProjectionCheckpoints1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS read_model`);
    await runner.query(`
      CREATE TABLE read_model.projection_checkpoints (
        projection_name text PRIMARY KEY,
        position bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE read_model.projection_checkpoints`);
  }
}
