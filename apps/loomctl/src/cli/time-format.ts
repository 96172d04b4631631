import type { Timestamp } from '@loom/api-contract';

const millisOf = (timestamp: Timestamp): number =>
  Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000);

/** `2026-01-02T03:04:05Z`, to the second; empty when unset. */
export function formatTime(timestamp: Timestamp | null | undefined): string {
  if (!timestamp) return '';
  return `${new Date(millisOf(timestamp)).toISOString().slice(0, 19)}Z`;
}

/** How long ago, as kubectl's AGE column says it: `42s`, `5m`, `3h`, `12d`; empty when unset. */
export function formatAge(timestamp: Timestamp | null | undefined, nowMs: number): string {
  if (!timestamp) return '';
  const seconds = Math.max(0, Math.floor((nowMs - millisOf(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
