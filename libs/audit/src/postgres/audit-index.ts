import type { Pool } from 'pg';
import { auditedStream } from '../model/audited-stream';

interface SourceRow {
  position: string;
  stream: string;
  revision: string;
  event_type: string;
  tenant: string | null;
  actor: string | null;
  method: string | null;
  request_id: string | null;
  correlation_id: string | null;
  recorded_at: Date;
}

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
    return BigInt(rows[0]?.below ?? '0');
  }

  /** Indexes everything final now; returns how many events it indexed. */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? 5000;
    let indexed = 0;
    // Everything below the horizon taken first is final: nothing can commit there any more.
    const horizon = await this.horizon();
    for (;;) {
      const below = await this.indexedBelow();
      if (below >= horizon) return indexed;
      const { rows } = await this.pool.query<SourceRow>({
        name: 'loom-audit-index-source',
        text: `
          SELECT global_position::text AS position, stream_name AS stream,
                 stream_revision::text AS revision, event_type,
                 metadata->>'tenant' AS tenant,
                 -- A saga asked for by someone (a drift repair) starts as theirs.
                 COALESCE(CASE WHEN event_type = 'SagaStarted'
                   THEN data->'input'->>'requestedBy' END, metadata->>'actor') AS actor,
                 metadata->>'method' AS method, metadata->>'requestId' AS request_id,
                 metadata->>'correlationId' AS correlation_id, recorded_at
          FROM event_store.events
          WHERE global_position >= $1 AND global_position < $2
          ORDER BY events.global_position LIMIT $3`,
        values: [below.toString(), horizon.toString(), batchSize],
      });
      if (rows.length > 0) await this.insert(rows);
      indexed += rows.length;
      const last = rows.at(-1);
      if (rows.length === batchSize && last !== undefined) {
        await this.advance(BigInt(last.position) + 1n);
        continue;
      }
      await this.advance(horizon);
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
      if ((await this.indexedBelow()) >= target) return;
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
    await this.pool.query(`UPDATE audit.index_position SET below = GREATEST(below, $1)`, [
      below.toString(),
    ]);
  }

  private async insert(rows: readonly SourceRow[]): Promise<void> {
    const streams = rows.map((row) => auditedStream(row.stream));
    await this.pool.query({
      name: 'loom-audit-index-insert',
      text: `
        INSERT INTO audit.entries (position, stream, revision, kind, tenant, resource, actor, method,
          request_id, correlation_id, event_type, recorded_at)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[],
          $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[])
        ON CONFLICT (position) DO NOTHING`,
      values: [
        rows.map((row) => row.position),
        rows.map((row) => row.stream),
        rows.map((row) => row.revision),
        streams.map((stream) => stream.kind),
        rows.map((row, index) => streams[index]?.tenant ?? row.tenant),
        streams.map((stream) => stream.resource),
        rows.map((row) => row.actor),
        rows.map((row) => row.method),
        rows.map((row) => row.request_id),
        rows.map((row) => row.correlation_id),
        rows.map((row) => row.event_type),
        rows.map((row) => row.recorded_at),
      ],
    });
  }
}
