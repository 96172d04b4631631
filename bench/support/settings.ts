/**
 * How long and how big: the defaults are the real run. While developing, LOOM_BENCH_SECONDS and
 * LOOM_BENCH_EVENTS shorten it and LOOM_BENCH_ONLY runs the benchmarks whose name holds it;
 * LOOM_BENCH_RESULTS writes the JSON elsewhere.
 */
export interface BenchSettings {
  /** Warm-up before each measured point. */
  readonly warmupMs: number;
  /** Length of each measured point. */
  readonly durationMs: number;
  /** Events loaded for the read benchmarks. */
  readonly readEvents: number;
  /** A read that has not received every event by then is stopped and reported as such. */
  readonly readDeadlineMs: number;
}

export function benchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const seconds = positiveNumber(env['LOOM_BENCH_SECONDS'], 5);
  return {
    warmupMs: Math.min(2_000, seconds * 400),
    durationMs: seconds * 1_000,
    readEvents: positiveNumber(env['LOOM_BENCH_EVENTS'], 1_000_000),
    readDeadlineMs: 90_000,
  };
}

function positiveNumber(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`not a positive number: ${text}`);
  return value;
}
