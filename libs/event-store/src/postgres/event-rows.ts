import type { EventMetadata, JsonObject, RecordedEvent } from '../envelope';

export interface EventRow {
  event_id: string;
  stream_name: string;
  stream_revision: string;
  global_position: string;
  event_type: string;
  schema_version: number;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

/**
 * Bigints come back as text (exact in JavaScript). The text columns keep their table names, so any
 * ORDER BY beside them must name the table's column (`events.global_position`), or it sorts text.
 */
export const eventColumns = `event_id::text, stream_name, stream_revision::text, global_position::text,
  event_type, schema_version, data, metadata, recorded_at`;

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_name,
    revision: Number(row.stream_revision),
    position: BigInt(row.global_position),
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}
