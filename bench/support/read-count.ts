import { performance } from 'node:perf_hooks';
import type { RecordedEvent } from '../../libs/event-store/src/envelope';

export interface ReadCount {
  readonly events: number;
  /** Events whose position was not above the one before: out of order or repeated. */
  readonly outOfOrder: number;
  readonly seconds: number;
  /** True when the deadline stopped the read before `expected` events arrived. */
  readonly timedOut: boolean;
}

export interface ReadCountOptions {
  readonly expected: number;
  readonly deadlineMs: number;
  /** Ends a source that may wait for more events (a subscription) when the deadline passes. */
  readonly stop?: () => Promise<void>;
}

/** Consumes a read until `expected` events, its end or the deadline, checking the global order. */
export async function readAndCount(
  source: AsyncIterable<RecordedEvent>,
  options: ReadCountOptions,
): Promise<ReadCount> {
  const start = performance.now();
  const state = { events: 0, outOfOrder: 0, last: -1n, timedOut: false };
  const timer = setTimeout(() => {
    state.timedOut = true;
    void options.stop?.();
  }, options.deadlineMs);
  try {
    for await (const event of source) {
      state.events += 1;
      if (event.position <= state.last) state.outOfOrder += 1;
      state.last = event.position;
      if (state.events === options.expected || state.timedOut) break;
    }
  } finally {
    clearTimeout(timer);
  }
  const { events, outOfOrder, timedOut } = state;
  return { events, outOfOrder, timedOut, seconds: (performance.now() - start) / 1_000 };
}
