/** A position in the global order; undefined is before the first event. */
export type LogPosition = bigint | undefined;

/** Whether `a` comes after `b`. */
export function isAfter(a: LogPosition, b: LogPosition): boolean {
  if (a === undefined) return false;
  return b === undefined || a > b;
}
