import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ResolvedEvent,
} from '@eventstore/db-client';

export interface StreamReadRequest {
  readonly direction: 'forwards' | 'backwards';
  /** Inclusive; the start, or the end when reading backwards, if undefined. */
  readonly fromRevision: number | undefined;
  readonly maxCount: number | undefined;
}

/** The resolved events of one stream, in read order; a stream that does not exist reads as empty. */
export async function readStreamRecords(
  client: EventStoreDBClient,
  stream: string,
  request: StreamReadRequest,
): Promise<ResolvedEvent[]> {
  const backwards = request.direction === 'backwards';
  const read = client.readStream(stream, {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision:
      request.fromRevision === undefined ? (backwards ? END : START) : BigInt(request.fromRevision),
    ...(request.maxCount === undefined ? {} : { maxCount: request.maxCount }),
  });
  const records: ResolvedEvent[] = [];
  try {
    for await (const resolved of read) {
      if (resolved.event) records.push(resolved);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return records;
}

/** The last `count` events of a stream, oldest first. */
export async function readStreamTail(
  client: EventStoreDBClient,
  stream: string,
  count: number,
): Promise<ResolvedEvent[]> {
  const newestFirst = await readStreamRecords(client, stream, {
    direction: 'backwards',
    fromRevision: undefined,
    maxCount: count,
  });
  return newestFirst.reverse();
}
