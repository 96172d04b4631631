import type { EventMetadata } from '../envelope';
import { isPlainObject } from '../json-value';
import type { PreparedEvent } from '../prepared-event';

/**
 * What Loom writes as an EventStoreDB event's metadata. EventStoreDB keeps an event's id, type and data,
 * but has no field for Loom's schema version, and no way to tell which append wrote an event:
 * both travel in the JSON metadata beside the EventMetadata, and readers never see them there.
 */
export type StoredMetadata = EventMetadata & {
  readonly schemaVersion: number;
  /**
   * Random for each call of append (kept across its internal retries). A later append that offers the same
   * event ids gets success from EventStoreDB without writing; reading the events back then shows another
   * call's id here, which is how Loom tells a deduplicated append from a fresh one (see append-outcome.ts).
   */
  readonly loomAppendId: string;
};

export interface ParsedMetadata {
  readonly metadata: EventMetadata;
  readonly schemaVersion: number;
  /** Undefined for events Loom did not write through this backend. */
  readonly appendId: string | undefined;
}

export function toStoredMetadata(event: PreparedEvent, appendId: string): StoredMetadata {
  return { ...event.metadata, schemaVersion: event.schemaVersion, loomAppendId: appendId };
}

export function parseStoredMetadata(raw: unknown, recordedAt: Date): ParsedMetadata {
  const fields: Record<string, unknown> = isPlainObject(raw) ? raw : {};
  const { schemaVersion, loomAppendId, ...rest } = fields;
  const occurredAt = rest['occurredAt'];
  return {
    // The rest is the EventMetadata prepareEvents checked before writing it.
    metadata: {
      ...(rest as Omit<EventMetadata, 'occurredAt'>),
      occurredAt: typeof occurredAt === 'string' ? occurredAt : recordedAt.toISOString(),
    },
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    appendId: typeof loomAppendId === 'string' ? loomAppendId : undefined,
  };
}
