import { againstMeasured, againstTarget, type Metric } from './metric';
import type { ReadCount } from './read-count';
import type { RssReport } from './rss';

/** Events per second a reader should reach. */
export const readTargetPerSecond = 50_000;
/** Peak RSS while reading should stay within this multiple of the RSS before: flat, not per event. */
export const rssGrowthLimit = 1.5;

export interface ReadRun {
  readonly key: string;
  readonly label: string;
  readonly expected: number;
  readonly count: ReadCount;
  readonly rss: RssReport;
}

/** The rate of a full read and the memory it took; a read that missed events is a miss. */
export function readMetrics({ key, label, expected, count, rss }: ReadRun): Metric[] {
  return [
    againstTarget(
      {
        key: `${key}.rate`,
        label: `${label}, ${expected.toLocaleString('en-US')} events`,
        value: count.events / count.seconds,
        unit: 'events/s',
        problem: readProblem(expected, count),
        details: {
          expected,
          events: count.events,
          outOfOrder: count.outOfOrder,
          seconds: count.seconds,
        },
      },
      readTargetPerSecond,
    ),
    againstMeasured(
      {
        key: `${key}.peak-rss`,
        label: `${label}, peak RSS`,
        value: rss.peakMiB,
        unit: 'MiB',
        details: { growthMiB: rss.peakMiB - rss.beforeMiB, samples: rss.samples },
      },
      { label: 'MiB RSS before', value: rss.beforeMiB },
      { comparison: '<=', ratio: rssGrowthLimit },
    ),
  ];
}

function readProblem(expected: number, count: ReadCount): string | undefined {
  const problems: string[] = [];
  const of = `${count.events.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} events`;
  if (count.timedOut)
    problems.push(`stopped at the deadline (${count.seconds.toFixed(0)} s) after ${of}`);
  else if (count.events !== expected) problems.push(`received ${of}`);
  if (count.outOfOrder > 0) problems.push(`${count.outOfOrder} events out of order`);
  return problems.length === 0 ? undefined : problems.join('; ');
}
