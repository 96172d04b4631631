import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.checkpoints`: the signed heads of the hash chain over the event log, one row per sealing.
 * Outside the append path: appends never touch it. `previous_position` is unique, so two sealers
 * (two engine replicas) cannot both extend the chain from the same checkpoint; the loser reloads.
 */
export class CreateAuditCheckpoints1765000000000 implements MigrationInterface {
  name = 'CreateAuditCheckpoints1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS audit`);
    await runner.query(`
      CREATE TABLE audit.checkpoints (
        position bigint PRIMARY KEY,
        previous_position bigint NOT NULL UNIQUE,
        event_count bigint NOT NULL,
        head text NOT NULL,
        sealed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        jws text NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SCHEMA audit CASCADE`);
  }
}
