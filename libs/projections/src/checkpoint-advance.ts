import type { EventFilter } from '@loom/event-store';
import type { DataSource } from 'typeorm';
import type { EventLogProbe } from './event-log-probe';
import { advanceCheckpoint, loadCheckpoints } from './projection-checkpoints';

export interface AdvancingProjection {
  readonly name: string;
  readonly filter: EventFilter | undefined;
  /** Told where the checkpoint moved, so that waits for skipped positions end. */
  advanced(position: bigint): void;
}

/**
 * Moves each projection's checkpoint over the events its filter skips, up to the log's horizon,
 * when no event of its filter follows its checkpoint. A checkpoint otherwise stays at the last
 * event the projection applied: a projection whose events are rare (tenants, QoS policies) would
 * read the whole log written since then at every start, and every count of its lag would scan it
 * too, a cost that grows with the cloud. Returns the names of the projections it moved.
 *
 * The horizon is read first: every position below it belongs to a transaction that had ended, so
 * an event of the filter there is visible to the count that follows, and none can commit there
 * later. The checkpoint only ever moves forward (a batch applied meanwhile by this or another
 * runner has events beyond the horizon, as the count saw none below it).
 */
export async function advanceOverSkippedEvents(
  eventLog: EventLogProbe,
  dataSource: DataSource,
  projections: readonly AdvancingProjection[],
): Promise<string[]> {
  const horizon = await eventLog.horizon();
  const checkpoints = await loadCheckpoints(
    dataSource,
    projections.map((projection) => projection.name),
  );
  const moved: string[] = [];
  for (const projection of projections) {
    const checkpoint = checkpoints.get(projection.name);
    if (checkpoint !== undefined && checkpoint >= horizon) continue;
    if ((await eventLog.countAfter(checkpoint, projection.filter, 1)) > 0) continue;
    await advanceCheckpoint(dataSource, projection.name, horizon);
    projection.advanced(horizon);
    moved.push(projection.name);
  }
  return moved;
}
