import type { RecordedEvent } from './envelope';
import type { EventFilter } from './event-store.port';

export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes?.length && !streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) {
    return false;
  }
  return !eventTypes?.length || eventTypes.includes(event.type);
}
