import { FORWARDS, type EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent } from '../envelope';
import { matchesFilter } from '../event-filter';
import type { EventFilter } from '../event-store.port';
import { toReadPosition } from './all-positions';
import { isHiddenEvent } from './hidden-events';
import { decodeRecord } from './recorded-event-mapping';

export interface ReadAllRequest {
  readonly after: bigint;
  readonly filter: EventFilter | undefined;
  readonly batchSize: number;
}

/**
 * One streamed read of $all from `after`. The client (6.x) cannot filter a read on the server, so every
 * record crosses the wire and is filtered here; `batchSize` caps how many records wait in the stream's
 * buffer (gRPC flow control holds the server back), which keeps memory bounded as the port asks.
 */
export async function* readAllEvents(
  client: EventStoreDBClient,
  request: ReadAllRequest,
): AsyncGenerator<RecordedEvent> {
  const read = client.readAll(
    { direction: FORWARDS, fromPosition: toReadPosition(request.after) },
    { highWaterMark: request.batchSize },
  );
  let finished = false;
  try {
    for await (const resolved of read) {
      if (!resolved.event || isHiddenEvent(resolved.event)) continue;
      const { event } = decodeRecord(resolved);
      if (event.position <= request.after || !matchesFilter(event, request.filter)) continue;
      yield event;
    }
    finished = true;
  } finally {
    // A reader that stops early must not leave the server streaming the rest of $all.
    if (!finished) await read.cancel();
  }
}
