import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RateOptions {
  /** One operation per worker, run in a loop; resolves with the units (events, rows) it did. */
  readonly workers: readonly (() => Promise<number>)[];
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface Rate {
  /** Units per second over the measured window. */
  readonly perSecond: number;
  readonly units: number;
  readonly seconds: number;
}

/**
 * Runs every worker's operation in a loop of its own: a warm-up, then a fixed window in which the
 * completed units are counted. Operations still running at the end are awaited, not counted.
 */
export async function measureRate(options: RateOptions): Promise<Rate> {
  const run: { phase: 'warmup' | 'measure' | 'stop'; units: number } = {
    phase: 'warmup',
    units: 0,
  };
  const loop = async (operation: () => Promise<number>): Promise<void> => {
    while (run.phase !== 'stop') {
      const done = await operation();
      if (run.phase === 'measure') run.units += done;
    }
  };
  const stopOnFailure = (error: unknown): never => {
    run.phase = 'stop';
    throw error;
  };
  const loops = options.workers.map((operation) => loop(operation).catch(stopOnFailure));
  const clock = (async (): Promise<Rate> => {
    await sleep(options.warmupMs);
    if (run.phase === 'stop') return { perSecond: 0, units: 0, seconds: 0 };
    run.phase = 'measure';
    const start = performance.now();
    await sleep(options.durationMs);
    const counted = run.units;
    const seconds = (performance.now() - start) / 1_000;
    run.phase = 'stop';
    return { perSecond: counted / seconds, units: counted, seconds };
  })();
  const [rate] = await Promise.all([clock, ...loops]);
  return rate;
}
