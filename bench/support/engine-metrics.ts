/**
 * The engine's own view of a measured step, read from its `GET /metrics` (prom-client's default
 * metrics and its own): the event loop's delay, from `perf_hooks.monitorEventLoopDelay` at 10 ms resolution,
 * whose histogram prom-client resets at every scrape (so a scrape before a step and one after give
 * the step's figures), and the garbage collections, a histogram per kind (buckets 1, 10, 100 ms...).
 * The bench is the only scraper of its engine, so nothing else resets the histogram in between.
 */

/** Sample values by series, e.g. `nodejs_gc_duration_seconds_count{kind="major"}`. */
export type MetricsSample = ReadonlyMap<string, number>;

export interface EngineLoopFigures {
  /** The event loop's delay over the step (ms): p50, p99 and the longest seen. */
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Collections during the step, all kinds, and the time they took in all (ms). */
  readonly gcCount: number;
  readonly gcTotalMs: number;
  /** Major (mark-sweep-compact) collections, and collections of any kind longer than 10 ms. */
  readonly gcMajorCount: number;
  readonly gcOver10MsCount: number;
  /** Resident memory at the end of the step (MiB). */
  readonly rssMiB: number;
  /**
   * PostgreSQL connections the engine opened during the step: each a new backend that must load
   * its caches and plan its statements, tens of ms on the call that waits for it.
   */
  readonly dbConnectionsOpened: number;
}

/** Scrapes the engine's /metrics; undefined when it does not answer (the figures are extras). */
export async function scrapeEngineMetrics(metricsUrl: string): Promise<MetricsSample | undefined> {
  try {
    const response = await fetch(metricsUrl);
    if (!response.ok) return undefined;
    return parsePrometheusText(await response.text());
  } catch {
    return undefined;
  }
}

/** Prometheus' text format: `name{labels} value` lines; comments and blank lines skipped. */
export function parsePrometheusText(text: string): MetricsSample {
  const sample = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isNaN(value)) sample.set(line.slice(0, space), value);
  }
  return sample;
}

/** The step's figures from a scrape at its start and one at its end. */
export function engineLoopFigures(before: MetricsSample, after: MetricsSample): EngineLoopFigures {
  const ms = (name: string): number => (after.get(name) ?? Number.NaN) * 1_000;
  const gcDelta = (suffix: string, filter: (series: string) => boolean): number => {
    let sum = 0;
    for (const [series, value] of after) {
      if (!series.startsWith(`nodejs_gc_duration_seconds_${suffix}`) || !filter(series)) continue;
      sum += value - (before.get(series) ?? 0);
    }
    return sum;
  };
  const any = (): boolean => true;
  const gcCount = gcDelta('count', any);
  return {
    loopDelayP50Ms: ms('nodejs_eventloop_lag_p50_seconds'),
    loopDelayP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
    loopDelayMaxMs: ms('nodejs_eventloop_lag_max_seconds'),
    gcCount,
    gcTotalMs: gcDelta('sum', any) * 1_000,
    gcMajorCount: gcDelta('count', (series) => series.includes('kind="major"')),
    // The 10 ms bucket counts collections of 10 ms or less: the rest took longer.
    gcOver10MsCount: gcCount - gcDelta('bucket', (series) => series.includes('le="0.01"')),
    rssMiB: (after.get('process_resident_memory_bytes') ?? Number.NaN) / 2 ** 20,
    dbConnectionsOpened:
      (after.get('loom_db_connections_opened_total') ?? Number.NaN) -
      (before.get('loom_db_connections_opened_total') ?? Number.NaN),
  };
}
