import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { JsonObject, RecordedEvent } from '../envelope';
import { isPlainObject } from '../json-value';
import { parseStoredMetadata } from './stored-metadata';

/** The part of the client's resolved events (stream reads, $all reads, subscriptions) Loom uses. */
export interface ResolvedRecord {
  readonly event?: EsdbRecordedEvent | undefined;
  readonly commitPosition?: bigint | undefined;
}

export interface DecodedRecord {
  readonly event: RecordedEvent;
  /** Which call of append wrote the event; see stored-metadata.ts. */
  readonly appendId: string | undefined;
}

export function decodeRecord(resolved: ResolvedRecord): DecodedRecord {
  const record = resolved.event;
  if (!record)
    throw new Error('EventStoreDB returned an unresolved link where an event was expected');
  if (!record.isJson || !isPlainObject(record.data)) {
    throw new Error(
      `event ${record.id} of stream ${record.streamId} has no JSON object as data: it was not written by Loom`,
    );
  }
  // client 6.x converts the server's .NET ticks to a Date already.
  const recordedAt = record.created;
  const { metadata, schemaVersion, appendId } = parseStoredMetadata(record.metadata, recordedAt);
  return {
    event: {
      id: record.id,
      stream: record.streamId,
      revision: Number(record.revision),
      position: commitPositionOf(resolved, record),
      type: record.type,
      schemaVersion,
      // JSON.parse of what append wrote from a checked JsonObject.
      data: record.data as JsonObject,
      metadata,
      recordedAt,
    },
    appendId,
  };
}

/**
 * Loom's global position is the commit position. Stream reads carry it on the event only from
 * EventStoreDB 22.6 on; the client fills in 0 when the server sent none, and no user event sits at 0.
 */
function commitPositionOf(resolved: ResolvedRecord, record: EsdbRecordedEvent): bigint {
  const commit = record.position?.commit;
  if (commit !== undefined && commit > 0n) return commit;
  if (resolved.commitPosition !== undefined) return resolved.commitPosition;
  throw new Error(
    `EventStoreDB sent no position for event ${record.id} of stream ${record.streamId}: Loom needs EventStoreDB 22.6 or later`,
  );
}
