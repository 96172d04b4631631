import type { DataSource, EntityManager } from 'typeorm';
import { ProjectionCheckpointMissingError } from './projection-errors';

interface CheckpointRow {
  projection_name: string;
  position: string | null;
}

/** Creates the checkpoint row if missing, so that every batch has a row to lock (FOR UPDATE locks no absent row). */
export async function ensureCheckpointRow(dataSource: DataSource, name: string): Promise<void> {
  await dataSource.query(
    `INSERT INTO read_model.projection_checkpoints (projection_name, position) VALUES ($1, NULL)
     ON CONFLICT (projection_name) DO NOTHING`,
    [name],
  );
}

/** The stored checkpoints of the named projections; a name without a row or position is absent. */
export async function loadCheckpoints(
  dataSource: DataSource,
  names: readonly string[],
): Promise<Map<string, bigint>> {
  const rows = await dataSource.query<CheckpointRow[]>(
    `SELECT projection_name, position::text FROM read_model.projection_checkpoints
     WHERE projection_name = ANY($1::text[])`,
    [names],
  );
  const checkpoints = new Map<string, bigint>();
  for (const row of rows) {
    if (row.position !== null) checkpoints.set(row.projection_name, BigInt(row.position));
  }
  return checkpoints;
}

/**
 * Locks the projection's checkpoint row for the rest of the transaction and returns it: a runner of
 * the same projection in another process waits here, then sees what this transaction committed.
 */
export async function lockCheckpoint(
  manager: EntityManager,
  name: string,
): Promise<bigint | undefined> {
  const rows = await manager.query<CheckpointRow[]>(
    `SELECT projection_name, position::text FROM read_model.projection_checkpoints
     WHERE projection_name = $1 FOR UPDATE`,
    [name],
  );
  const row = rows[0];
  if (!row) throw new ProjectionCheckpointMissingError(name);
  return row.position === null ? undefined : BigInt(row.position);
}

export async function saveCheckpoint(
  manager: EntityManager,
  name: string,
  position: bigint,
): Promise<void> {
  await manager.query(
    `UPDATE read_model.projection_checkpoints SET position = $2, updated_at = now()
     WHERE projection_name = $1`,
    [name, position.toString()],
  );
}

/**
 * Moves a checkpoint forward over events the projection's filter skips (never back): the caller
 * has seen that no event of the filter lies between the stored checkpoint and `position`.
 */
export async function advanceCheckpoint(
  dataSource: DataSource,
  name: string,
  position: bigint,
): Promise<void> {
  await dataSource.query(
    `UPDATE read_model.projection_checkpoints SET position = $2, updated_at = now()
     WHERE projection_name = $1 AND (position IS NULL OR position < $2)`,
    [name, position.toString()],
  );
}
