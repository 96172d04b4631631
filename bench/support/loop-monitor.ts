import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** The bench process's own event loop and GC over a step: a late client delays its requests. */
export interface ClientLoopFigures {
  readonly clientLoopDelayP99Ms: number;
  readonly clientLoopDelayMaxMs: number;
  readonly clientGcCount: number;
  readonly clientGcTotalMs: number;
  readonly clientGcMaxMs: number;
}

/** Starts watching; `stop()` gives the figures since the start (1 ms resolution). */
export function monitorClientLoop(): { stop(): ClientLoopFigures } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record(entry);
  });
  const record = (entry: PerformanceEntry): void => {
    gc.count += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  };
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      histogram.disable();
      observer.disconnect();
      return {
        clientLoopDelayP99Ms: histogram.percentile(99) / 1e6,
        clientLoopDelayMaxMs: histogram.max / 1e6,
        clientGcCount: gc.count,
        clientGcTotalMs: gc.totalMs,
        clientGcMaxMs: gc.maxMs,
      };
    },
  };
}
