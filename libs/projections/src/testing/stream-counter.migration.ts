import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTestStreamCounters1764199000000 implements MigrationInterface {
  name = 'CreateTestStreamCounters1764199000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE read_model.test_stream_counters (
        projection_name text NOT NULL,
        stream text NOT NULL,
        events integer NOT NULL,
        last_revision integer NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (projection_name, stream)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE read_model.test_stream_counters`);
  }
}
