import { InvalidArgumentError } from '@loom/network';

/** Longer than any name, id or event type Loom writes: a filter beyond it cannot match. */
export const maxFilterLength = 1_024;

/**
 * A free-text audit filter (an actor, a request, correlation or saga id, an event type, a resource
 * name) as the query may use it: undefined when empty. PostgreSQL's text holds no NUL character,
 * so one would fail in the query (found by the chaos fuzzer: INTERNAL for a correlation_id with a
 * NUL); it is refused here, naming the field, as is a value longer than anything stored.
 */
export function readFilterText(
  value: string | null | undefined,
  field: string,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value.includes('\u0000')) {
    throw new InvalidArgumentError([{ field, description: 'must not contain a NUL character' }]);
  }
  if (value.length > maxFilterLength) {
    throw new InvalidArgumentError([
      { field, description: `must be at most ${maxFilterLength} characters` },
    ]);
  }
  return value;
}
