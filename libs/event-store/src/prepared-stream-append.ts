import type { StreamAppend } from './event-store.port';
import { AppendTooLargeError, InvalidEventError, InvalidMultiStreamAppendError } from './errors';
import { assertExpectedRevision, type ExpectedRevision } from './expected-revision';
import { prepareEvents, type PrepareContext, type PreparedEvent } from './prepared-event';
import { assertStreamName } from './stream-name';

export interface PreparedStreamAppend {
  readonly stream: string;
  readonly events: readonly PreparedEvent[];
  readonly expected: ExpectedRevision;
}

/**
 * Checks a multi-stream append as a whole before anything is written: every stream as a single
 * append would be checked, no stream twice, no event id twice, and at most the limit of events in
 * all (they share one transaction).
 */
export function prepareStreamAppends(
  appends: unknown,
  context: PrepareContext,
): PreparedStreamAppend[] {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new InvalidMultiStreamAppendError('it must name at least one stream');
  }
  const streams = new Set<string>();
  const ids = new Set<string>();
  let total = 0;
  return (appends as StreamAppend[]).map(({ stream, events, expected }) => {
    assertStreamName(stream);
    assertExpectedRevision(expected);
    if (streams.has(stream)) {
      throw new InvalidMultiStreamAppendError(`stream ${stream} is named twice`);
    }
    streams.add(stream);
    const prepared = prepareEvents(stream, events, context);
    total += prepared.length;
    if (total > context.limits.maxEventsPerAppend) {
      throw new AppendTooLargeError(total, context.limits.maxEventsPerAppend);
    }
    for (const event of prepared) {
      if (ids.has(event.id)) throw new InvalidEventError(0, 'id', 'is repeated within the batch');
      ids.add(event.id);
    }
    return { stream, events: prepared, expected };
  });
}
