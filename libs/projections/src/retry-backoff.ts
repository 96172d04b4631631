export interface RetryBackoff {
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Ceiling of the doubling delay. */
  readonly maxMs: number;
}

export const defaultRetryBackoff: RetryBackoff = { initialMs: 200, maxMs: 30_000 };

/**
 * Doubling delay for the attempt-th consecutive failure (1-based), capped, with half of it random so
 * that runners of the same projection in several processes do not retry in lockstep.
 */
export function retryDelayMs(
  attempt: number,
  backoff: RetryBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Resolves after `ms`, or at once when `signal` aborts (a stopping runner does not sit out a backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
