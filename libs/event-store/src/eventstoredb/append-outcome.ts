import type { EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult } from '../envelope';
import type { ExpectedRevision } from '../expected-revision';
import type { PreparedEvent } from '../prepared-event';
import { decodeRecord, type DecodedRecord } from './recorded-event-mapping';
import { readStreamRecords, readStreamTail } from './stream-reader';

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly PreparedEvent[];
  readonly expected: ExpectedRevision;
  /** Random per call of append; stored in each event's metadata (see stored-metadata.ts). */
  readonly appendId: string;
}

/**
 * How `deduplicated` is decided. EventStoreDB answers an append whose event ids it recognises as already
 * written (the same ids at the expected revision; with `any` or `exists`, ids still in its cache of recent
 * event ids) with the same success it gives a fresh write: the same next revision and, on current
 * servers, the position of the original last event. The result alone cannot tell the two apart.
 * So every call of append stamps its events with its own random `loomAppendId`; EventStoreDB compares ids,
 * not payloads, when it deduplicates, so events read back carrying another call's id were written by an
 * earlier append: `deduplicated: true`. A call whose own attempt timed out and was retried still finds
 * its own id and reports `false`, which is right: this call wrote them.
 *
 * Where EventStoreDB cannot tell: with `any` or `exists` it recognises ids only while they are in that
 * bounded cache, and never ids stored in another stream; such a retry writes the events a second time
 * and is reported as a fresh append (PostgreSQL, with ids unique across the store, refuses it instead).
 */
export function appendResult(stored: readonly DecodedRecord[], appendId: string): AppendResult {
  const events = stored.map(({ event }) => ({
    id: event.id,
    revision: event.revision,
    position: event.position,
  }));
  return {
    streamRevision: events.at(-1)?.revision ?? -1,
    events,
    deduplicated: stored.length > 0 && stored.every((record) => record.appendId !== appendId),
  };
}

/**
 * EventStoreDB reports only the stream's revision after an append: reading the appended events back gives
 * each one's revision and global position (the original ones when the append was deduplicated).
 */
export async function readBackAppend(
  client: EventStoreDBClient,
  request: AppendRequest,
  nextExpectedRevision: bigint,
): Promise<AppendResult> {
  const count = request.events.length;
  const first = Number(nextExpectedRevision) - count + 1;
  const stored = (
    await readStreamRecords(client, request.stream, {
      direction: 'forwards',
      fromRevision: Math.max(first, 0),
      maxCount: count,
    })
  ).map(decodeRecord);
  if (!holdsExactly(stored, request.events)) {
    throw new Error(
      `EventStoreDB accepted the append to ${request.stream} up to revision ${nextExpectedRevision.toString()}, ` +
        'but those revisions hold other events (was the stream truncated or deleted meanwhile?)',
    );
  }
  return appendResult(stored, request.appendId);
}

/** The result of the append if the stream ends with exactly its events, else undefined. */
export async function findAtStreamEnd(
  client: EventStoreDBClient,
  request: AppendRequest,
): Promise<{ readonly result: AppendResult | undefined; readonly tail: readonly DecodedRecord[] }> {
  const tail = (await readStreamTail(client, request.stream, request.events.length)).map(
    decodeRecord,
  );
  const result = holdsExactly(tail, request.events)
    ? appendResult(tail, request.appendId)
    : undefined;
  return { result, tail };
}

function holdsExactly(stored: readonly DecodedRecord[], events: readonly PreparedEvent[]): boolean {
  return (
    stored.length === events.length &&
    stored.every((record, index) => record.event.id === events[index]?.id)
  );
}
