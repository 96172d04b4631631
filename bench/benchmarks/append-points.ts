import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { createPool } from '../../libs/postgres/src';
import { compareRates } from '../support/compare';
import type { Rate } from '../support/rate';
import { createReferenceTable, ReferenceWriter, StreamWriter } from '../support/writers';
import type { BenchContext } from './benchmark';

export interface AppendPoint {
  /** Distinguishes the streams and rows of this point from the others in the database. */
  readonly name: string;
  readonly writers: number;
  readonly eventsPerAppend: number;
  readonly streamLength: number;
}

export interface AppendComparison {
  readonly loom: Rate;
  readonly reference: Rate;
}

/**
 * Slices each side's measured time is split into, alternating Loom and the reference: commit
 * latency (fsync) of a virtual disk drifts within seconds, and both sides should see the same.
 */
const rounds = 10;

/** The database every append benchmark writes to (both the event store and the reference table). */
function appendDatabase(context: BenchContext): Promise<string> {
  return context.shared('append-database', async () => {
    const url = await context.server.createDatabase('bench_appends');
    const pool = createPool(url, 1);
    try {
      await createReferenceTable(pool);
    } finally {
      await pool.end();
    }
    return url;
  });
}

/**
 * Events per second through PostgresEventStore and rows per second of plain INSERTs, with the
 * same number of writers, a pool of that size each and rows of the same size.
 */
export async function compareAppends(
  context: BenchContext,
  point: AppendPoint,
): Promise<AppendComparison> {
  const url = await appendDatabase(context);
  const loomPool = createPool(url, point.writers);
  const referencePool = createPool(url, point.writers);
  const store = new PostgresEventStore({ pool: loomPool });
  try {
    const loomWriters = Array.from({ length: point.writers }, (_, index) => {
      const writer = new StreamWriter(store, `${point.name}-w${index}`, point.streamLength);
      return () => writer.append(point.eventsPerAppend);
    });
    const referenceWriters = Array.from({ length: point.writers }, (_, index) => {
      const writer = new ReferenceWriter(referencePool, `${point.name}-w${index}`);
      return () => writer.insert(point.eventsPerAppend);
    });
    const { a: loom, b: reference } = await compareRates(loomWriters, referenceWriters, {
      warmupMs: context.settings.warmupMs,
      durationMs: context.settings.durationMs,
      rounds,
      rampMs: 100,
    });
    context.log(
      `${point.name}: loom ${Math.round(loom.perSecond)} events/s, ` +
        `plain INSERT ${Math.round(reference.perSecond)} rows/s`,
    );
    return { loom, reference };
  } finally {
    await store.close();
    await Promise.all([loomPool.end(), referencePool.end()]);
  }
}
