import type { EventStore, JsonObject } from '@loom/event-store';
import type { Pool } from 'pg';
import type { AuditIndex } from './audit-index';

/** One event as exported: every stored column, data and metadata as stored. */
export interface ExportedEvent {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: string;
}

export interface ExportRequest {
  /** Resume after this position (exclusive); 0 from the start. */
  readonly after: bigint;
  readonly tenant?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Who asks: recorded in the export's own event. */
  readonly actor: string;
  readonly method?: string;
  readonly correlationId?: string;
}

/** The stream every export is recorded in. */
export const auditExportStream = 'audit-exports';

/**
 * Streams a window of the log in global order, after recording the export itself
 * (`AuditLogExported`: who, what, from where, up to which position), so exports show up in the
 * trail like any change. The window ends at the log's horizon when the export starts: a resumed
 * export (`after` = the last position received) continues the same order.
 */
export async function* exportEvents(
  pool: Pool,
  store: EventStore,
  index: AuditIndex,
  request: ExportRequest,
  batchSize = 2000,
): AsyncGenerator<ExportedEvent> {
  await index.reach();
  const through = (await index.indexedBelow()) - 1n;
  await store.append(
    auditExportStream,
    [
      {
        type: 'AuditLogExported',
        data: {
          after: request.after.toString(),
          through: through.toString(),
          ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
          ...(request.from === undefined ? {} : { from: request.from.toISOString() }),
          ...(request.to === undefined ? {} : { to: request.to.toISOString() }),
        },
        metadata: {
          actor: request.actor,
          ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
          ...(request.method === undefined ? {} : { method: request.method }),
          ...(request.correlationId === undefined ? {} : { correlationId: request.correlationId }),
        },
      },
    ],
    'any',
  );
  let after = request.after;
  for (;;) {
    const { rows } = await pool.query<ExportedRow>(
      `SELECT e.global_position::text AS position, e.event_id::text AS id, e.stream_name AS stream,
              e.stream_revision::int AS revision, e.event_type AS type, e.schema_version, e.data,
              e.metadata, e.recorded_at
       FROM audit.entries a JOIN event_store.events e ON e.global_position = a.position
       WHERE a.position > $1 AND a.position <= $2
         AND ($3::text IS NULL OR a.tenant = $3)
         AND ($4::timestamptz IS NULL OR a.recorded_at >= $4)
         AND ($5::timestamptz IS NULL OR a.recorded_at < $5)
       ORDER BY a.position LIMIT $6`,
      [
        after.toString(),
        through.toString(),
        request.tenant ?? null,
        request.from ?? null,
        request.to ?? null,
        batchSize,
      ],
    );
    for (const row of rows) {
      yield {
        position: row.position,
        id: row.id,
        stream: row.stream,
        revision: row.revision,
        type: row.type,
        schemaVersion: row.schema_version,
        data: row.data,
        metadata: row.metadata,
        recordedAt: row.recorded_at.toISOString(),
      };
    }
    const last = rows.at(-1);
    if (rows.length < batchSize || last === undefined) return;
    after = BigInt(last.position);
  }
}

interface ExportedRow {
  position: string;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
}
