import type { EventFilter } from '@loom/event-store';
import type { Pool } from 'pg';
import { filterCondition, filterParameters } from './event-filter-sql';

/**
 * What the runner asks the event log besides subscribing to it: where its head is and how far a
 * projection trails it. Backend-specific, as the event store port exposes neither.
 */
export interface EventLogProbe {
  /**
   * Position of the newest committed event matching the filter (after `after`, when given: a
   * reader that has everything up to there looks no further back); undefined when there is none.
   */
  headPosition(filter?: EventFilter, after?: bigint): Promise<bigint | undefined>;
  /** How many committed events matching the filter lie after `after` (undefined: all), counting up to `limit`. */
  countAfter(
    after: bigint | undefined,
    filter: EventFilter | undefined,
    limit: number,
  ): Promise<number>;
  /**
   * A position every event committed from now on comes after (see readEventLogHorizon): with no
   * event of a projection's filter after its checkpoint, its checkpoint may move up to here.
   */
  horizon(): Promise<bigint>;
}

type Queryable = Pick<Pool, 'query'>;

/**
 * The probe of the PostgreSQL event store. It reads committed rows, including those above the
 * readers' horizon: an event committed after a still-running transaction counts as lag, since
 * subscribers cannot see it yet.
 */
export class PostgresEventLogProbe implements EventLogProbe {
  constructor(private readonly pool: Queryable) {}

  headPosition(filter?: EventFilter, after?: bigint): Promise<bigint | undefined> {
    return readEventLogHead(this.pool, filter, after);
  }

  async countAfter(
    after: bigint | undefined,
    filter: EventFilter | undefined,
    limit: number,
  ): Promise<number> {
    const { streamPatterns, eventTypes } = filterParameters(filter);
    // The LIMIT bounds the cost of asking a far-behind projection (a rebuild) for its lag.
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM (
         SELECT 1 FROM event_store.events
         WHERE global_position > $1 AND ${filterCondition(2)}
         LIMIT $4) AS behind`,
      [(after ?? -1n).toString(), streamPatterns, eventTypes, limit],
    );
    return Number(rows[0]?.count ?? 0);
  }

  horizon(): Promise<bigint> {
    return readEventLogHorizon(this.pool);
  }
}

/**
 * The newest committed position of the PostgreSQL event log (matching the filter, if given):
 * wait for it to read your own writes and everything committed before them. With `after`, only
 * positions beyond it count: a projection that has applied everything up to `after` asks only
 * that far back.
 */
export async function readEventLogHead(
  pool: Queryable,
  filter?: EventFilter,
  after?: bigint,
): Promise<bigint | undefined> {
  const { streamPatterns, eventTypes } = filterParameters(filter);
  const { rows } = await pool.query<{ head: string | null }>(
    // Newest first down the primary key, stopping at the first match: max() with this filter
    // scanned the whole log (112 ms at a million events, on every read-your-writes Get). The
    // lower bound stops a filter whose last event is far back (a VPC's, in a cloud busy with
    // ports) from scanning back to it on every Get.
    `SELECT global_position::text AS head FROM event_store.events
     WHERE global_position > $3 AND ${filterCondition(1)}
     ORDER BY global_position DESC LIMIT 1`,
    [streamPatterns, eventTypes, (after ?? -1n).toString()],
  );
  const head = rows[0]?.head;
  return head === null || head === undefined ? undefined : BigInt(head);
}

/**
 * A position every event committed from now on comes after: just under the readers' horizon
 * (the oldest transaction still running), where a subscription `from: 'end'` starts. Unlike the
 * head, it never lies above an event that is still to commit.
 */
export async function readEventLogHorizon(pool: Queryable): Promise<bigint> {
  const { rows } = await pool.query<{ horizon: string }>(
    `SELECT ((pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16) - 1)::text AS horizon`,
  );
  return BigInt(rows[0]?.horizon ?? '0');
}
