import {
  DeadlineExceededError,
  jsonEvent,
  TimeoutError,
  WrongExpectedVersionError,
  type AppendResult as EsdbAppendResult,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { AppendResult } from '../envelope';
import { findAtStreamEnd, readBackAppend, type AppendRequest } from './append-outcome';
import { toActualRevision, toAppendExpectedRevision } from './expected-revision-mapping';
import { explainRefusedAppend } from './refused-append';
import { toStoredMetadata } from './stored-metadata';

const maxAttempts = 3;

/**
 * Writes a checked batch in one EventStoreDB append (atomic per stream).
 *
 * A timed-out append is sent again: the same ids at the same expected revision make it idempotent.
 * It matters because EventStoreDB silently drops a duplicate that arrives while the original write is
 * not yet indexed ("idempotent not ready"), so concurrent retries of one append can time out.
 */
export async function appendToEventStoreDb(
  client: EventStoreDBClient,
  request: AppendRequest,
): Promise<AppendResult> {
  const events = request.events.map((event) =>
    jsonEvent({
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: toStoredMetadata(event, request.appendId),
    }),
  );
  const options = { expectedRevision: toAppendExpectedRevision(request.expected) };
  for (let attempt = 1; ; attempt += 1) {
    let written: EsdbAppendResult;
    try {
      written = await client.appendToStream(request.stream, events, options);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return explainRefusedAppend(client, request, toActualRevision(error.actualVersion));
      }
      if (!(error instanceof TimeoutError || error instanceof DeadlineExceededError)) throw error;
      const { result } = await findAtStreamEnd(client, request);
      if (result) return result;
      if (attempt >= maxAttempts) throw error;
      continue;
    }
    // success is false only when the connection string sets throwOnAppendFailure=false; the revision
    // the client then reports is not reliable (batch appends), so the actual one is read instead.
    if (!written.success) return explainRefusedAppend(client, request, undefined);
    return readBackAppend(client, request, written.nextExpectedRevision);
  }
}
