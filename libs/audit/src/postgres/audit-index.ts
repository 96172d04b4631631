import type { Pool } from 'pg';

/**
 * Fills `audit.entries` from the log, behind the appends: everything below the oldest running
 * transaction (the horizon every reader of the log respects), so a late commit is indexed in its
 * place once it commits. Idempotent: two indexers (or a query catching up while the background
 * one runs) insert the same rows at most once.
 */
export class AuditIndex {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  /**
   * Below this, this process saw nothing left to index. Not written to the table: a write would
   * take a transaction id and move the horizon, so every catch-up would find more to do.
   */
  private knownBelow = 0n;

  constructor(
    private readonly pool: Pool,
    private readonly options: {
      readonly batchSize?: number;
      readonly intervalMs?: number;
      readonly onError?: (error: unknown) => void;
    } = {},
  ) {}

  /** Positions below this are all indexed. */
  async indexedBelow(): Promise<bigint> {
    const { rows } = await this.pool.query<{ below: string }>(
      `SELECT below::text FROM audit.index_position`,
    );
    const stored = BigInt(rows[0]?.below ?? '0');
    return stored > this.knownBelow ? stored : this.knownBelow;
  }

  /**
   * Indexes everything final now, in batches, each one INSERT ... SELECT inside the database;
   * returns how many events it indexed.
   */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? 5000;
    let indexed = 0;
    // Everything below the horizon taken first is final: nothing can commit there any more.
    const horizon = await this.horizon();
    for (;;) {
      const below = await this.indexedBelow();
      if (below >= horizon) return indexed;
      const { rows } = await this.pool.query<{ count: string; last: string | null }>({
        name: 'loom-audit-index-batch',
        text: `
          WITH batch AS (
            SELECT e.*, audit.stream_kind(e.stream_name) AS kind
            FROM event_store.events e
            WHERE e.global_position >= $1 AND e.global_position < $2
            ORDER BY e.global_position LIMIT $3
          ),
          inserted AS (
            INSERT INTO audit.entries (position, stream, revision, kind, tenant, resource, actor,
              method, request_id, correlation_id, event_type, recorded_at)
            SELECT global_position, stream_name, stream_revision, kind,
                   COALESCE(audit.stream_tenant(stream_name, kind), metadata->>'tenant'),
                   audit.stream_resource(stream_name, kind),
                   -- A saga asked for by someone (a drift repair) starts as theirs.
                   COALESCE(CASE WHEN event_type = 'SagaStarted'
                     THEN data->'input'->>'requestedBy' END, metadata->>'actor'),
                   metadata->>'method', metadata->>'requestId', metadata->>'correlationId',
                   event_type, recorded_at
            FROM batch
            ON CONFLICT (position) DO NOTHING
          )
          SELECT count(*)::text AS count, max(global_position)::text AS last FROM batch`,
        values: [below.toString(), horizon.toString(), batchSize],
      });
      const count = Number(rows[0]?.count ?? '0');
      const last = rows[0]?.last ?? null;
      indexed += count;
      if (count === batchSize && last !== null) {
        await this.advance(BigInt(last) + 1n);
        continue;
      }
      if (count > 0) await this.advance(horizon);
      else if (horizon > this.knownBelow) this.knownBelow = horizon;
      return indexed;
    }
  }

  /**
   * Waits until every event below `position` is indexed (catching up itself), or the log's
   * current horizon when `position` is undefined. Queries call this first.
   */
  async reach(position?: bigint): Promise<void> {
    const target = position === undefined ? await this.horizon() : position + 1n;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (this.knownBelow >= target) return;
      await this.catchUp();
      if ((await this.indexedBelow()) >= target) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.catchUp()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (!this.stopped) this.schedule(this.options.intervalMs ?? 200);
        });
    }, delayMs);
  }

  private async horizon(): Promise<bigint> {
    const { rows } = await this.pool.query<{ horizon: string }>(
      `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)::text AS horizon`,
    );
    return BigInt(rows[0]?.horizon ?? '0');
  }

  private async advance(below: bigint): Promise<void> {
    if (below > this.knownBelow) this.knownBelow = below;
    await this.pool.query(`UPDATE audit.index_position SET below = GREATEST(below, $1)`, [
      below.toString(),
    ]);
  }
}
