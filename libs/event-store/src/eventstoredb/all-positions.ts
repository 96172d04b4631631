import {
  BACKWARDS,
  END,
  START,
  type EventStoreDBClient,
  type ReadPosition,
} from '@eventstore/db-client';

/**
 * Where to start reading $all to see the events after `after`. Loom keeps only the commit position;
 * since EventStoreDB 20 every event is written as its own committed prepare record, so its prepare
 * position equals its commit position and (after, after) names the event exactly. Readers still drop
 * positions <= after themselves: reads start at the position (inclusive).
 */
export function toReadPosition(after: bigint): ReadPosition {
  return after === 0n ? START : { commit: after, prepare: after };
}

/** The commit position of the last record in $all (system records included), or 0n for an empty log. */
export async function endPosition(client: EventStoreDBClient): Promise<bigint> {
  const read = client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
  for await (const resolved of read) {
    return resolved.event?.position.commit ?? resolved.commitPosition ?? 0n;
  }
  return 0n;
}
