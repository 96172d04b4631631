import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from './benchmarks/benchmark';
import { benchmarks } from './benchmarks';
import { sampleEventBytes } from './support/events';
import { describeMachine, loadAverage } from './support/machine';
import type { Metric } from './support/metric';
import { metricsByKey, writeResults } from './support/results';
import { startBenchServer, type BenchServer } from './support/server';
import { benchSettings } from './support/settings';
import { formatTable } from './support/table';

/** Compiled to dist/bench/bench/main.js; results go to the source tree's bench/results. */
const resultsFile = resolve(
  process.env['LOOM_BENCH_RESULTS'] ?? resolve(__dirname, '../../../bench/results/latest.json'),
);

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const settings = benchSettings();
  const machine = describeMachine();
  log(
    `${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart}; starting PostgreSQL`,
  );
  const server = await startBenchServer();
  let metrics: Metric[];
  try {
    log(`PostgreSQL ${server.version}`);
    metrics = await runAll(server, settings);
  } finally {
    await server.stop();
  }
  const durationSeconds = (performance.now() - started) / 1_000;
  process.stdout.write(`${formatTable(metrics)}\n`);
  await writeResults(resultsFile, {
    date: new Date().toISOString(),
    durationSeconds,
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    postgres: { version: server.version, settings: server.settings },
    settings: { ...settings, eventBytes: sampleEventBytes() },
    metrics: metricsByKey(metrics),
  });
  log(`whole run ${durationSeconds.toFixed(0)} s; results in ${resultsFile}`);
}

async function runAll(server: BenchServer, settings: BenchContext['settings']): Promise<Metric[]> {
  const fixtures = new Map<string, Promise<unknown>>();
  const context: BenchContext = {
    server,
    settings,
    log,
    shared<T>(key: string, create: () => Promise<T>): Promise<T> {
      let fixture = fixtures.get(key) as Promise<T> | undefined;
      if (fixture === undefined) {
        fixture = create();
        fixtures.set(key, fixture);
      }
      return fixture;
    },
  };
  const only = process.env['LOOM_BENCH_ONLY'];
  const selected = benchmarks.filter((benchmark) => !only || benchmark.name.includes(only));
  const metrics: Metric[] = [];
  for (const benchmark of selected) {
    log(`running ${benchmark.name}`);
    metrics.push(...(await benchmark.run(context)));
  }
  return metrics;
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
