import type { Operation } from '@loom/api-contract';
import { loadCliProgress } from '../cli/lazy-modules';

export interface WaitProgress {
  /** Shows the operation as it is now; at 100 % once it is done. */
  update(operation: Operation): void;
  /** Clears the indicator from the terminal. */
  stop(): void;
}

const barSize = 24;
const blockSize = 6;

/**
 * An operation's progress while loomctl waits for it, on the person's terminal only (stderr, when
 * it is a TTY; nothing for scripts). An operation does not say how far along it is, so the bar
 * runs back and forth until the operation is done, then fills; the time waited counts up.
 */
export function startWaitProgress(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
  operation: Operation,
  now: () => number = Date.now,
): WaitProgress {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new (loadCliProgress().SingleBar)({
    stream,
    format: `${operation.verb} ${operation.target} [{bar}] {state} {duration_formatted}`,
    formatBar: (progress) => movingBar(progress, now()),
    clearOnComplete: true,
    hideCursor: true,
    gracefulExit: false,
    fps: 10,
  });
  bar.start(1, 0, { state: 'running' });
  return {
    update: (current) => {
      bar.update(current.done ? 1 : 0, { state: current.done ? 'done' : 'running' });
    },
    stop: () => {
      bar.stop();
    },
  };
}

/** A block going back and forth while `progress` is below 1, a full bar at 1. */
export function movingBar(progress: number, nowMs: number): string {
  if (progress >= 1) return '='.repeat(barSize);
  const span = barSize - blockSize;
  const step = Math.floor(nowMs / 100) % (span * 2);
  const start = step <= span ? step : span * 2 - step;
  return ' '.repeat(start) + '='.repeat(blockSize) + ' '.repeat(span - start);
}
