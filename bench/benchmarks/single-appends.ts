import { againstMeasured, type Metric } from '../support/metric';
import { compareAppends } from './append-points';
import type { Benchmark } from './benchmark';

const writerCounts = [1, 8, 32];

/** One event per append, each writer on its own 10-event streams with exact expected revisions. */
export const singleAppends: Benchmark = {
  name: 'single-event appends',
  async run(context) {
    const metrics: Metric[] = [];
    for (const writers of writerCounts) {
      const { loom, reference } = await compareAppends(context, {
        name: `single-${writers}`,
        writers,
        eventsPerAppend: 1,
        streamLength: 10,
      });
      metrics.push(
        againstMeasured(
          {
            key: `append.single.${writers}-${writers === 1 ? 'writer' : 'writers'}`,
            label: `append 1 event, ${writers} ${writers === 1 ? 'writer' : 'writers'}`,
            value: loom.perSecond,
            unit: 'events/s',
            details: {
              loomAppends: loom.units,
              referenceRows: reference.units,
              seconds: loom.seconds,
            },
          },
          { label: 'rows/s plain INSERTs', value: reference.perSecond },
          { comparison: '>=', ratio: 0.7 },
        ),
      );
    }
    return metrics;
  },
};
