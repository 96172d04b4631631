import type { RecordedEvent } from '@loom/event-store';
import type { BatchProjection } from '../projection';
import { StreamCounter } from './stream-counter.entity';

export interface StreamTallyOptions {
  readonly name: string;
  /** Only streams with this prefix: each test keeps to its own events in a shared database. */
  readonly streamPrefix: string;
  /** Runs before each batch is written, inside the transaction; may throw or wait to steer a test. */
  readonly beforeBatch?: (events: readonly RecordedEvent[]) => Promise<void> | void;
}

interface Tally {
  readonly stream: string;
  readonly events: number;
  readonly last_revision: number;
  readonly last_position: string;
}

/**
 * The stream counter as a batch projection: a batch is folded into one tally per stream, added to
 * the stored counts by one upsert. A batch applied twice shows as counts too high, a lost one as
 * counts too low, as with the counter that reads and writes per event.
 */
export function streamTallyProjection(options: StreamTallyOptions): BatchProjection {
  return {
    name: options.name,
    filter: { streamPrefixes: [options.streamPrefix] },
    entities: [StreamCounter],
    async applyBatch(events, manager): Promise<void> {
      await options.beforeBatch?.(events);
      const tallies = new Map<string, Tally>();
      for (const event of events) {
        tallies.set(event.stream, {
          stream: event.stream,
          events: (tallies.get(event.stream)?.events ?? 0) + 1,
          last_revision: event.revision,
          last_position: event.position.toString(),
        });
      }
      await manager.query(
        `INSERT INTO read_model.test_stream_counters AS c
           (projection_name, stream, events, last_revision, last_position)
         SELECT $1, t.stream, t.events, t.last_revision, t.last_position
         FROM jsonb_to_recordset($2::jsonb)
           AS t(stream text, events integer, last_revision integer, last_position bigint)
         ON CONFLICT (projection_name, stream) DO UPDATE SET
           events = c.events + EXCLUDED.events,
           last_revision = EXCLUDED.last_revision,
           last_position = EXCLUDED.last_position`,
        [options.name, JSON.stringify([...tallies.values()])],
      );
    },
  };
}
