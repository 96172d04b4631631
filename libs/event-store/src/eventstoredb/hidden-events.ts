import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { checkpointStreamPrefix } from './eventstoredb-checkpoints';

/**
 * $all also carries EventStoreDB's own records (system streams and `$` event types: stats, metadata,
 * links) and Loom's checkpoint streams, which the PostgreSQL backend keeps outside its event log.
 * Readers of the port see none of them.
 */
export function isHiddenEvent(record: EsdbRecordedEvent): boolean {
  return (
    record.type.startsWith('$') ||
    record.streamId.startsWith('$') ||
    record.streamId.startsWith(checkpointStreamPrefix)
  );
}
