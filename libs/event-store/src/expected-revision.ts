import { InvalidExpectedRevisionError } from './errors';

/**
 * What the writer believes about the stream before appending:
 * `no-stream` (must not exist), `exists` (must exist), `any`, or the exact revision of its last event.
 */
export type ExpectedRevision = 'no-stream' | 'exists' | 'any' | number;

export function assertExpectedRevision(value: unknown): asserts value is ExpectedRevision {
  if (value === 'no-stream' || value === 'exists' || value === 'any') return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new InvalidExpectedRevisionError(value);
}

export function describeExpectedRevision(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? `revision ${expected}` : expected;
}
