import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { createPool } from '../../libs/postgres/src';
import { readAndCount } from '../support/read-count';
import { readMetrics } from '../support/read-metrics';
import { withRssSampling } from '../support/rss';
import type { Benchmark } from './benchmark';
import { loadedEvents } from './loaded-events';

/** A catch-up subscription from the start (default batch size), until it has every loaded event. */
export const catchUp: Benchmark = {
  name: 'catch-up subscription',
  async run(context) {
    const loaded = await loadedEvents(context);
    const pool = createPool(loaded.url, 2);
    const store = new PostgresEventStore({ pool });
    try {
      const { result: count, rss } = await withRssSampling(async () => {
        const subscription = store.subscribeToAll({ from: 'start' });
        try {
          return await readAndCount(subscription, {
            expected: loaded.events,
            deadlineMs: context.settings.readDeadlineMs,
            stop: () => subscription.close(),
          });
        } finally {
          await subscription.close();
        }
      });
      context.log(`catch-up: ${count.events} events in ${count.seconds.toFixed(1)} s`);
      return readMetrics({
        key: 'read.catch-up',
        label: 'catch-up subscription',
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
