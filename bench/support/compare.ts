import { measureRate, type Rate } from './rate';

export interface CompareOptions {
  /** Warm-up of each contender before its first slice. */
  readonly warmupMs: number;
  /** Measured time of each contender, split into `rounds` slices. */
  readonly durationMs: number;
  readonly rounds: number;
  /** Ramp-up before each later slice (the connections are warm already). */
  readonly rampMs?: number;
}

/**
 * Rates of two contenders measured in alternating slices (A B, B A, A B...) rather than one
 * after the other, so that drift of the machine (a noisy disk's fsync time, a checkpoint)
 * weighs on both alike and their ratio stays meaningful.
 */
export async function compareRates(
  a: readonly (() => Promise<number>)[],
  b: readonly (() => Promise<number>)[],
  options: CompareOptions,
): Promise<{ a: Rate; b: Rate }> {
  const units = [0, 0];
  const seconds = [0, 0];
  const sliceMs = options.durationMs / options.rounds;
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const index of order) {
      const rate = await measureRate({
        workers: index === 0 ? a : b,
        warmupMs: round === 0 ? options.warmupMs : (options.rampMs ?? 250),
        durationMs: sliceMs,
      });
      units[index] = (units[index] ?? 0) + rate.units;
      seconds[index] = (seconds[index] ?? 0) + rate.seconds;
    }
  }
  const total = (index: 0 | 1): Rate => {
    const done = units[index] ?? 0;
    const time = seconds[index] ?? 0;
    return { perSecond: done / time, units: done, seconds: time };
  };
  return { a: total(0), b: total(1) };
}
