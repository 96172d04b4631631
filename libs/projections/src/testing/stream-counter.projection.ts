import type { RecordedEvent } from '@loom/event-store';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../projection';
import { StreamCounter } from './stream-counter.entity';

export interface StreamCounterOptions {
  readonly name: string;
  /** Only streams with this prefix: each test keeps to its own events in a shared database. */
  readonly streamPrefix: string;
  /** Runs before each apply, inside the transaction; may throw or wait to steer a test. */
  readonly beforeApply?: (event: RecordedEvent) => Promise<void> | void;
}

/**
 * Counts events per stream by read-modify-write, so an event applied twice shows as a count too
 * high and a lost one as a count too low.
 */
export function streamCounterProjection(options: StreamCounterOptions): Projection {
  return {
    name: options.name,
    filter: { streamPrefixes: [options.streamPrefix] },
    entities: [StreamCounter],
    async apply(event: RecordedEvent, manager: EntityManager): Promise<void> {
      await options.beforeApply?.(event);
      const counters = manager.getRepository(StreamCounter);
      const key = { projectionName: options.name, stream: event.stream };
      const counter = await counters.findOneBy(key);
      const lastPosition = event.position.toString();
      if (counter) {
        await counters.update(key, {
          events: counter.events + 1,
          lastRevision: event.revision,
          lastPosition,
        });
      } else {
        await counters.insert({ ...key, events: 1, lastRevision: event.revision, lastPosition });
      }
    },
  };
}

/** The counts a projection wrote, per stream. */
export async function countsByStream(
  manager: EntityManager,
  projectionName: string,
): Promise<Map<string, number>> {
  const rows = await manager.getRepository(StreamCounter).findBy({ projectionName });
  return new Map(rows.map((row) => [row.stream, row.events]));
}

/** The rows a projection wrote, in the shape of logStreamHeads. */
export async function countersByStream(
  manager: EntityManager,
  projectionName: string,
): Promise<Map<string, { events: number; lastRevision: number; lastPosition: string }>> {
  const rows = await manager.getRepository(StreamCounter).findBy({ projectionName });
  return new Map(
    rows.map((row) => [
      row.stream,
      { events: row.events, lastRevision: row.lastRevision, lastPosition: row.lastPosition },
    ]),
  );
}
