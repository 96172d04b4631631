import type { RecordedEvent } from '@loom/event-store';
import type { DataSource, EntityManager } from 'typeorm';
import type { Projection } from './projection';
import { lockCheckpoint, saveCheckpoint } from './projection-checkpoints';
import { ProjectionApplyError, ProjectionBatchApplyError } from './projection-errors';

export interface BatchOutcome {
  /** The checkpoint once the transaction committed: the last applied event, or the stored one. */
  readonly checkpoint: bigint | undefined;
  readonly applied: number;
}

/** The events of a batch the read model has not seen: those after the stored checkpoint. */
export function eventsAfter(
  events: readonly RecordedEvent[],
  checkpoint: bigint | undefined,
): RecordedEvent[] {
  return checkpoint === undefined ? [...events] : events.filter((e) => e.position > checkpoint);
}

/**
 * Applies a batch and moves the checkpoint in one transaction: the read model and its checkpoint
 * never disagree, whatever fails and wherever the process dies.
 */
export async function applyBatch(
  dataSource: DataSource,
  projection: Projection,
  events: readonly RecordedEvent[],
): Promise<BatchOutcome> {
  return dataSource.transaction(async (manager) => {
    // Checked under the row lock, not trusted from the subscription: another runner of this
    // projection may have committed these events since we read them.
    const stored = await lockCheckpoint(manager, projection.name);
    const fresh = eventsAfter(events, stored);
    const last = fresh.at(-1)?.position;
    if (last === undefined) return { checkpoint: stored, applied: 0 };
    await applyEvents(projection, fresh, manager);
    await saveCheckpoint(manager, projection.name, last);
    return { checkpoint: last, applied: fresh.length };
  });
}

async function applyEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  manager: EntityManager,
): Promise<void> {
  if (projection.applyBatch) {
    try {
      await projection.applyBatch(events, manager);
    } catch (error) {
      const first = events[0]?.position ?? 0n;
      const last = events.at(-1)?.position ?? first;
      throw new ProjectionBatchApplyError(projection.name, first, last, events.length, error);
    }
    return;
  }
  for (const event of events) {
    try {
      await projection.apply(event, manager);
    } catch (error) {
      throw new ProjectionApplyError(projection.name, event, event.position, error);
    }
  }
}
