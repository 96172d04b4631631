import { InvalidArgumentError } from 'commander';

/**
 * Commander argument parsers: each throws commander's InvalidArgumentError, which commander
 * reports as `error: option '--x <n>' argument 'y' is invalid. <why>` (a usage error, exit 2).
 */

/** A whole number from `min` to `max`. */
export function integerFlag(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds from `500ms`, `30s`, `5m`, `1h` or a bare number of seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const unit = durationUnits[match?.[2] ?? 's'];
  const millis = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isFinite(millis) || millis <= 0) {
    throw new InvalidArgumentError('Expected a duration such as 500ms, 30s, 5m or 1h.');
  }
  return Math.round(millis);
}

/** A repeatable flag: every value given, in order. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
