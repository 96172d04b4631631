import type { EventFilter } from '@loom/event-store';

export interface FilterParameters {
  /** LIKE patterns of the stream prefixes; empty matches every stream. */
  readonly streamPatterns: string[];
  /** Empty matches every type. */
  readonly eventTypes: string[];
}

/** The same matching as the PostgreSQL event store's reads, so counts agree with what subscribers get. */
export function filterParameters(filter: EventFilter | undefined): FilterParameters {
  return {
    streamPatterns: (filter?.streamPrefixes ?? []).map(
      (prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`,
    ),
    eventTypes: [...(filter?.eventTypes ?? [])],
  };
}

/** The WHERE condition for the parameters at `$n` (stream patterns) and `$n+1` (event types). */
export function filterCondition(firstParameter: number): string {
  const patterns = `$${firstParameter}::text[]`;
  const types = `$${firstParameter + 1}::text[]`;
  return `(cardinality(${patterns}) = 0 OR stream_name LIKE ANY(${patterns}))
      AND (cardinality(${types}) = 0 OR event_type = ANY(${types}))`;
}
