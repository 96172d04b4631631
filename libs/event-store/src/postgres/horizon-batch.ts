import type { Pool } from 'pg';
import type { RecordedEvent } from '../envelope';
import type { EventFilter } from '../event-store.port';
import { eventColumns, toRecordedEvent, type EventRow } from './event-rows';

/**
 * The next events of the global order after `after`, and the horizon the statement read below.
 * Positions under the horizon belong to finished transactions, so once a batch comes back short
 * a reader may move on to just under the horizon without ever skipping a late commit.
 */
const statement = `
  WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16 AS value),
  batch AS (
    SELECT ${eventColumns} FROM event_store.events, horizon
    WHERE global_position > $1 AND global_position < horizon.value
      AND (cardinality($3::text[]) = 0 OR stream_name LIKE ANY($3::text[]))
      AND (cardinality($4::text[]) = 0 OR event_type = ANY($4::text[]))
    ORDER BY events.global_position LIMIT $2
  )
  SELECT horizon.value::text AS horizon, batch.* FROM horizon LEFT JOIN batch ON true
  ORDER BY batch.global_position::bigint`;

/** The LEFT JOIN gives one row of nulls beside the horizon when the batch is empty. */
type HorizonRow = { horizon: string } & (EventRow | { [K in keyof EventRow]: null });

export interface HorizonBatch {
  readonly events: RecordedEvent[];
  /** Every position below this is final: nothing can commit there any more. */
  readonly horizon: bigint;
}

export async function readHorizonBatch(
  pool: Pool,
  after: bigint,
  limit: number,
  filter: EventFilter | undefined,
): Promise<HorizonBatch> {
  const { rows } = await pool.query<HorizonRow>({
    name: 'loom-horizon-batch',
    text: statement,
    values: [
      after.toString(),
      limit,
      (filter?.streamPrefixes ?? []).map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`),
      filter?.eventTypes ?? [],
    ],
  });
  const horizon = BigInt(rows[0]?.horizon ?? '0');
  const events = rows
    .filter((row): row is EventRow & { horizon: string } => row.event_id !== null)
    .map(toRecordedEvent);
  return { events, horizon };
}

/** Where a reader that has seen everything up to now may continue from. */
export function nextAfter(after: bigint, batch: HorizonBatch, limit: number): bigint {
  const last = batch.events.at(-1)?.position ?? after;
  if (batch.events.length === limit) return last;
  const horizonFloor = batch.horizon - 1n;
  return horizonFloor > last ? horizonFloor : last;
}
