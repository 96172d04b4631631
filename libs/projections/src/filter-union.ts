import type { EventFilter } from '@loom/event-store';

/**
 * A filter that lets through at least every event one of `filters` does: the union of their stream
 * prefixes if each names some, and of their event types if each names some (an absent list lets
 * everything through). Wider than the exact union when both lists are set; subscribers of a
 * shared reading filter exactly on their side.
 */
export function filterUnion(
  filters: readonly (EventFilter | undefined)[],
): EventFilter | undefined {
  const union = (lists: readonly (readonly string[] | undefined)[]): string[] | undefined =>
    lists.every((list) => list !== undefined && list.length > 0)
      ? [...new Set(lists.flatMap((list) => list ?? []))]
      : undefined;
  const streamPrefixes = union(filters.map((filter) => filter?.streamPrefixes));
  const eventTypes = union(filters.map((filter) => filter?.eventTypes));
  if (filters.length === 0 || (!streamPrefixes && !eventTypes)) return undefined;
  return { ...(streamPrefixes ? { streamPrefixes } : {}), ...(eventTypes ? { eventTypes } : {}) };
}
