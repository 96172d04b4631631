import { againstMeasured } from '../support/metric';
import { compareAppends } from './append-points';
import type { Benchmark } from './benchmark';

const eventsPerAppend = 100;

/** Batches of 100 events per append from one writer, against 100-row multi-row INSERTs. */
export const batchAppends: Benchmark = {
  name: 'batch appends',
  async run(context) {
    const { loom, reference } = await compareAppends(context, {
      name: 'batch-100',
      writers: 1,
      eventsPerAppend,
      streamLength: 1_000,
    });
    return [
      againstMeasured(
        {
          key: 'append.batch-100.1-writer',
          label: `append ${eventsPerAppend} events, 1 writer`,
          value: loom.perSecond,
          unit: 'events/s',
          details: {
            loomEvents: loom.units,
            referenceRows: reference.units,
            seconds: loom.seconds,
          },
        },
        { label: 'rows/s 100-row INSERTs', value: reference.perSecond },
        { comparison: '>=', ratio: 0.7 },
      ),
    ];
  },
};
