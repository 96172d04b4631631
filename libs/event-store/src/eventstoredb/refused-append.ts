import type { EventStoreDBClient } from '@eventstore/db-client';
import type { AppendResult } from '../envelope';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors';
import { describeExpectedRevision, type ExpectedRevision } from '../expected-revision';
import { findAtStreamEnd, type AppendRequest } from './append-outcome';
import { decodeRecord, type DecodedRecord } from './recorded-event-mapping';
import { readStreamRecords } from './stream-reader';

/**
 * EventStoreDB refused the append with a wrong expected version. As in the PostgreSQL backend this is
 * either a retry of an append that already happened (the stream ends with exactly these ids: report
 * them, deduplicated), a reuse of some of these ids (EventStoreDB says "wrong expected version" when only
 * part of a batch matches what is stored: Loom says EventIdConflictError), or a real conflict.
 * Only this stream is searched: EventStoreDB has no index of event ids across streams.
 */
export async function explainRefusedAppend(
  client: EventStoreDBClient,
  request: AppendRequest,
  actualFromServer: number | 'no-stream' | undefined,
): Promise<AppendResult> {
  const { result, tail } = await findAtStreamEnd(client, request);
  if (result) return result;
  const actual = actualFromServer ?? tail.at(-1)?.event.revision ?? 'no-stream';
  const candidates = [...tail, ...(await readWhereExpected(client, request))];
  const storedIds = new Set(candidates.map((record) => record.event.id));
  const ids = request.events.map((event) => event.id);
  // With `any`, or `exists` on a stream that exists, EventStoreDB refuses only when the batch's first id
  // is already in this stream and a later one is not: that id is reused even when it lies outside
  // the revisions read here.
  const firstId = ids[0];
  if (
    firstId &&
    (request.expected === 'any' || (request.expected === 'exists' && actual !== 'no-stream'))
  ) {
    storedIds.add(firstId);
  }
  const reused = ids.filter((id) => storedIds.has(id));
  if (reused.length > 0) throw new EventIdConflictError(request.stream, reused);
  throw new WrongExpectedRevisionError(
    request.stream,
    describeExpectedRevision(request.expected),
    actual,
  );
}

/** The events at the revisions the append meant to write, where EventStoreDB compared the ids. */
async function readWhereExpected(
  client: EventStoreDBClient,
  request: AppendRequest,
): Promise<DecodedRecord[]> {
  const from = firstRevisionMeant(request.expected);
  if (from === undefined) return [];
  const records = await readStreamRecords(client, request.stream, {
    direction: 'forwards',
    fromRevision: from,
    maxCount: request.events.length,
  });
  return records.map(decodeRecord);
}

function firstRevisionMeant(expected: ExpectedRevision): number | undefined {
  if (expected === 'no-stream') return 0;
  return typeof expected === 'number' ? expected + 1 : undefined;
}
