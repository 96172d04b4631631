import { performance } from 'node:perf_hooks';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { createPool } from '../../libs/postgres/src';
import { StreamWriter } from '../support/writers';
import type { BenchContext } from './benchmark';

export interface LoadedEvents {
  readonly url: string;
  readonly events: number;
  readonly loadSeconds: number;
}

const writers = 4;
const eventsPerAppend = 1_000;

/**
 * A database of its own holding `settings.readEvents` events, appended through the store in
 * 1,000-event batches by 4 writers, then vacuumed (as autovacuum would) so that every read
 * benchmark finds the same settled table. Built once per run.
 */
export function loadedEvents(context: BenchContext): Promise<LoadedEvents> {
  return context.shared('loaded-events', async () => {
    const total = context.settings.readEvents;
    const url = await context.server.createDatabase('bench_reads');
    const pool = createPool(url, writers);
    const store = new PostgresEventStore({ pool });
    const start = performance.now();
    try {
      let remaining = total;
      const take = (): number => {
        const count = Math.min(eventsPerAppend, remaining);
        remaining -= count;
        return count;
      };
      await Promise.all(
        Array.from({ length: writers }, async (_, index) => {
          const writer = new StreamWriter(store, `load-w${index}`, eventsPerAppend);
          for (let count = take(); count > 0; count = take()) await writer.append(count);
        }),
      );
      const loadSeconds = (performance.now() - start) / 1_000;
      context.log(
        `loaded ${total} events in ${loadSeconds.toFixed(1)} s ` +
          `(${Math.round(total / loadSeconds)} events/s, ${writers} writers, ${eventsPerAppend} per append)`,
      );
      await pool.query('VACUUM (ANALYZE) event_store.events');
      return { url, events: total, loadSeconds };
    } finally {
      await store.close();
      await pool.end();
    }
  });
}
