import { InvalidArgumentError } from '@loom/errors';
import type { Duration } from './generated/google/protobuf/duration';
import type { Timestamp } from './generated/google/protobuf/timestamp';

const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A google.protobuf.Timestamp ({seconds as a string, nanos}) from a Date or an ISO 8601 instant.
 * Strings keep their full precision (PostgreSQL has microseconds, a Date only milliseconds).
 */
export function toTimestamp(value: Date | string): Timestamp {
  if (value instanceof Date) return fromMillis(value.getTime());
  const match = ISO_INSTANT.exec(value.trim());
  if (!match) throw new Error(`not an ISO 8601 instant: ${JSON.stringify(value)}`);
  const [, date = '', time = '', fraction = '', zone = 'Z'] = match;
  const offset = /^[+-]\d{2}$/.test(zone) ? `${zone}:00` : zone;
  const wholeMillis = Date.parse(`${date}T${time}${offset}`);
  if (Number.isNaN(wholeMillis))
    throw new Error(`not an ISO 8601 instant: ${JSON.stringify(value)}`);
  return { seconds: String(wholeMillis / 1000), nanos: Number(fraction.padEnd(9, '0')) };
}

/** google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/**
 * The Date of a Timestamp a client sent; INVALID_ARGUMENT naming `field` when it is not one
 * (seconds outside the Timestamp range, nanos outside 0-999,999,999), never an Invalid Date
 * that fails later, deep in a query, as an internal error (found by the chaos fuzzer).
 */
export function timestampToDate(timestamp: Timestamp, field = 'timestamp'): Date {
  const seconds = Number(timestamp.seconds);
  const { nanos } = timestamp;
  if (
    !Number.isInteger(seconds) ||
    seconds < MIN_SECONDS ||
    seconds > MAX_SECONDS ||
    !Number.isInteger(nanos) ||
    nanos < 0 ||
    nanos > 999_999_999
  ) {
    throw new InvalidArgumentError([
      {
        field,
        description:
          'must be a timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (nanos 0 to 999999999)',
      },
    ]);
  }
  return new Date(seconds * 1000 + Math.floor(nanos / 1_000_000));
}

/** Milliseconds of a google.protobuf.Duration; undefined when unset. */
export function durationToMillis(duration: Duration | null | undefined): number | undefined {
  if (duration === null || duration === undefined) return undefined;
  return Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1_000_000);
}

function fromMillis(millis: number): Timestamp {
  if (Number.isNaN(millis)) throw new Error('not a valid date');
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}
