import { errorKinds } from '@loom/errors';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `operations.error_code` holds an error kind now that OperationFailed stores one: a value written
 * before that is no kind becomes `internal`, as the event's upcaster makes it on a rebuild. The
 * column keeps its name, so that an engine of the previous release can still read the table.
 */
export class OperationErrorKinds1764600000000 implements MigrationInterface {
  name = 'OperationErrorKinds1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `UPDATE read_model.operations SET error_code = 'internal'
        WHERE error_code IS NOT NULL AND NOT (error_code = ANY($1::text[]))`,
      [errorKinds],
    );
  }

  async down(): Promise<void> {
    // Nothing to take back: every error kind was a valid code before.
  }
}
