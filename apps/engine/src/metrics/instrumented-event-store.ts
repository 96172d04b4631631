import type { EventStore } from '@loom/event-store';
import { EngineMetrics } from './engine-metrics';

/** The same store, with every append timed (loom_event_store_append_duration_seconds). */
export function instrumentEventStore(store: EventStore, metrics: EngineMetrics): EventStore {
  const timed = async <T>(kind: string, append: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    let outcome = 'error';
    try {
      const result = await append();
      outcome = 'ok';
      return result;
    } finally {
      metrics.appendDuration.observe({ kind, outcome }, EngineMetrics.since(startedAt));
    }
  };
  const instrumented: EventStore = {
    append: (stream, events, expected) =>
      timed('single', () => store.append(stream, events, expected)),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    checkpoints: store.checkpoints,
    close: () => store.close(),
  };
  const appendToStreams = store.appendToStreams?.bind(store);
  if (!appendToStreams) return instrumented;
  return {
    ...instrumented,
    appendToStreams: (appends) => timed('multi', () => appendToStreams(appends)),
  };
}
