const mebibyte = 1024 * 1024;

export interface RssReport {
  /** Resident set size just before the measured work (after a full GC when exposed), MiB. */
  readonly beforeMiB: number;
  /** Highest resident set size sampled while it ran, MiB; below `beforeMiB` when memory shrank. */
  readonly peakMiB: number;
  readonly samples: number;
}

/** Samples this process's resident set size every `intervalMs` while a piece of work runs. */
export async function withRssSampling<T>(
  work: () => Promise<T>,
  intervalMs = 100,
): Promise<{ result: T; rss: RssReport }> {
  collectGarbage();
  const before = process.memoryUsage().rss;
  const seen = { peak: 0, samples: 0 };
  const sample = (): void => {
    seen.peak = Math.max(seen.peak, process.memoryUsage().rss);
    seen.samples += 1;
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await work();
    sample();
    return {
      result,
      rss: { beforeMiB: before / mebibyte, peakMiB: seen.peak / mebibyte, samples: seen.samples },
    };
  } finally {
    clearInterval(timer);
  }
}

/** A full collection when node runs with --expose-gc (`npm run bench` does), so "before" is a floor. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}
