import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { createPool } from '../../libs/postgres/src';
import { readAndCount } from '../support/read-count';
import { readMetrics } from '../support/read-metrics';
import { withRssSampling } from '../support/rss';
import type { Benchmark } from './benchmark';
import { loadedEvents } from './loaded-events';

/** readAll from the start over every loaded event, with the store's default batch size. */
export const readAll: Benchmark = {
  name: 'readAll',
  async run(context) {
    const loaded = await loadedEvents(context);
    const pool = createPool(loaded.url, 2);
    const store = new PostgresEventStore({ pool });
    try {
      const { result: count, rss } = await withRssSampling(() =>
        readAndCount(store.readAll(), {
          expected: loaded.events,
          deadlineMs: context.settings.readDeadlineMs,
        }),
      );
      context.log(`readAll: ${count.events} events in ${count.seconds.toFixed(1)} s`);
      return readMetrics({
        key: 'read.all',
        label: 'readAll',
        expected: loaded.events,
        count,
        rss,
      });
    } finally {
      await store.close();
      await pool.end();
    }
  },
};
