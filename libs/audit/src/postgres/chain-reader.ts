import type { Pool } from 'pg';
import type { ChainedEvent } from '../chain/chained-event';

interface ChainRow {
  position: string;
  id: string;
  stream: string;
  revision: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_us: string;
}

/** The stored columns as text: `jsonb` in its canonical output, the instant in microseconds. */
const columns = `global_position::text AS position, event_id::text AS id, stream_name AS stream,
  stream_revision::text AS revision, event_type AS type, schema_version, data::text AS data,
  metadata::text AS metadata,
  (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS recorded_us`;

/**
 * Every event after `after`, in global order. `belowHorizon` stops at the oldest running
 * transaction (as the store's readers do), for the sealer: a transaction that took a lower
 * position but has not committed yet would otherwise be sealed around, and the chain would break
 * when it commits. The verifier reads everything stored.
 */
export async function* readChainEvents(
  pool: Pool,
  options: { readonly after: bigint; readonly belowHorizon: boolean; readonly batchSize?: number },
): AsyncGenerator<ChainedEvent[]> {
  const batchSize = options.batchSize ?? 5000;
  const horizon = options.belowHorizon
    ? `AND global_position < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)`
    : '';
  const read = (after: bigint) => {
    const query = pool.query<ChainRow>({
      name: `loom-audit-chain-${options.belowHorizon ? 'horizon' : 'all'}`,
      text: `SELECT ${columns} FROM event_store.events
             WHERE global_position > $1 ${horizon}
             ORDER BY events.global_position LIMIT $2`,
      values: [after.toString(), batchSize],
    });
    // A reader that stops early leaves one read in flight: its failure is nobody's to handle.
    query.catch(() => undefined);
    return query;
  };
  // The next batch is asked for before this one is handed over: the database reads it while the
  // caller hashes this one.
  let next = read(options.after);
  for (;;) {
    const { rows } = await next;
    const events = rows.map(toChainedEvent);
    const last = events.at(-1);
    if (last === undefined) return;
    const full = events.length === batchSize;
    if (full) next = read(last.position);
    yield events;
    if (!full) return;
  }
}

function toChainedEvent(row: ChainRow): ChainedEvent {
  return {
    position: BigInt(row.position),
    id: row.id,
    stream: row.stream,
    revision: Number(row.revision),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAtMicros: row.recorded_us,
  };
}
