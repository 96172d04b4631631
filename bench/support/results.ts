import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Machine } from './machine';
import type { Metric } from './metric';
import type { BenchSettings } from './settings';

export interface BenchResults {
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: Machine & { readonly loadAverageAtEnd: number };
  readonly postgres: {
    readonly version: string;
    readonly settings: Readonly<Record<string, string>>;
  };
  readonly settings: BenchSettings & { readonly eventBytes: number };
  /** One key per metric. */
  readonly metrics: Readonly<Record<string, Omit<Metric, 'key'>>>;
}

export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function metricsByKey(metrics: readonly Metric[]): BenchResults['metrics'] {
  return Object.fromEntries(metrics.map(({ key, ...metric }) => [key, metric]));
}
