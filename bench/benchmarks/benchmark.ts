import type { Metric } from '../support/metric';
import type { BenchServer } from '../support/server';
import type { BenchSettings } from '../support/settings';

/** What every benchmark gets: the run's PostgreSQL, its settings, a log and shared fixtures. */
export interface BenchContext {
  readonly server: BenchServer;
  readonly settings: BenchSettings;
  log(message: string): void;
  /** A fixture built once per run and handed to every benchmark asking for the same key. */
  shared<T>(key: string, create: () => Promise<T>): Promise<T>;
}

/** One file per benchmark under bench/benchmarks/, listed in ./index.ts in the order they run. */
export interface Benchmark {
  readonly name: string;
  run(context: BenchContext): Promise<Metric[]>;
}
