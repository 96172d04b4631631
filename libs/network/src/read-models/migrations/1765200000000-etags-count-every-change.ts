import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read models whose rows' version (their etag) counts more changes than before. */
const rebuilt = ['tenants', 'ports'];

/**
 * An etag (a row's version) now changes with everything Get shows: a port's fabric verdicts (its
 * status) and a tenant's usage count as new versions, in the deciders and in the projections.
 * Rows written before counted fewer, so their etags would not match the deciders': the two read
 * models are rebuilt from the log (their rows go, their checkpoints start over). Reads wait for
 * their projection to catch up, as after any append.
 */
export class EtagsCountEveryChange1765200000000 implements MigrationInterface {
  name = 'EtagsCountEveryChange1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await rebuild(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    // The previous release counts fewer versions: rebuilt again, its rows are its own again.
    await rebuild(runner);
  }
}

async function rebuild(runner: QueryRunner): Promise<void> {
  for (const table of rebuilt) await runner.query(`DELETE FROM read_model.${table}`);
  await runner.query(
    `UPDATE read_model.projection_checkpoints SET position = NULL, updated_at = now()
      WHERE projection_name = ANY($1::text[])`,
    [rebuilt],
  );
}
