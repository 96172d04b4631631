import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@loom/event-store';
import { createPool, runMigrations } from '@loom/postgres';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresEventLogProbe } from '../event-log-probe';
import { projectionMigrations } from '../migrations';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection-runner';
import { createReadModelDataSource } from '../read-model-data-source';
import { RecordingLogger } from './recording-logger';
import { StreamCounter } from './stream-counter.entity';
import { CreateTestStreamCounters1764199000000 } from './stream-counter.migration';

export async function migrateReadModel(url: string): Promise<void> {
  await runMigrations(url, [...projectionMigrations, CreateTestStreamCounters1764199000000]);
}

/** What one engine process holds: its own pool, event store and read-model data source. */
export interface ProcessUnderTest {
  readonly pool: Pool;
  readonly store: PostgresEventStore;
  readonly dataSource: DataSource;
  readonly logger: RecordingLogger;
  runner(
    options: Pick<ProjectionRunnerOptions, 'projections'> & Partial<ProjectionRunnerOptions>,
  ): ProjectionRunner;
  close(): Promise<void>;
}

/** `pollIntervalMs`: how long a subscription waits for an append's wake-up before reading anyway. */
export async function openProcess(url: string, pollIntervalMs = 20): Promise<ProcessUnderTest> {
  const pool = createPool(url, 10);
  const store = new PostgresEventStore({ pool, pollIntervalMs });
  const dataSource = createReadModelDataSource(url, [StreamCounter], [], { poolSize: 10 });
  await dataSource.initialize();
  const logger = new RecordingLogger();
  const runners: ProjectionRunner[] = [];
  return {
    pool,
    store,
    dataSource,
    logger,
    runner(options) {
      const runner = new ProjectionRunner({
        dataSource,
        store,
        eventLog: new PostgresEventLogProbe(pool),
        logger,
        retry: { initialMs: 10, maxMs: 200 },
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    async close() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await store.close();
      await dataSource.destroy();
      await pool.end();
    },
  };
}

export interface WriteLoad {
  readonly streamPrefix: string;
  readonly writers: number;
  readonly eventsPerWriter: number;
  /** Streams the writers share, so appends to one stream interleave across writers. */
  readonly streams: number;
}

/** Concurrent writers appending small batches (1 to 4 events) to shared streams. */
export async function writeConcurrently(store: PostgresEventStore, load: WriteLoad): Promise<void> {
  await Promise.all(
    Array.from({ length: load.writers }, async (_, writer) => {
      let written = 0;
      let round = 0;
      while (written < load.eventsPerWriter) {
        const count = Math.min(1 + ((writer + round) % 4), load.eventsPerWriter - written);
        const stream = `${load.streamPrefix}s${(writer * 7 + round) % load.streams}`;
        await store.append(stream, counterEvents(count, writer), 'any');
        written += count;
        round += 1;
      }
    }),
  );
}

export function counterEvents(count: number, writer = 0): NewEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    type: 'Counted',
    data: { writer, index },
  }));
}

/** Events per stream as the log holds them: what a correct counter projection must end with. */
export async function logCountsByStream(
  pool: Pool,
  streamPrefix: string,
): Promise<Map<string, number>> {
  const heads = await logStreamHeads(pool, streamPrefix);
  return new Map([...heads].map(([stream, head]) => [stream, head.events]));
}

export interface StreamHead {
  readonly events: number;
  readonly lastRevision: number;
  readonly lastPosition: string;
}

/** Per stream: its event count and last event, straight from the log's table. */
export async function logStreamHeads(
  pool: Pool,
  streamPrefix: string,
): Promise<Map<string, StreamHead>> {
  const { rows } = await pool.query<{
    stream_name: string;
    events: number;
    last_revision: number;
    last_position: string;
  }>(
    `SELECT stream_name, count(*)::int AS events, max(stream_revision)::int AS last_revision,
            max(global_position)::text AS last_position
     FROM event_store.events WHERE starts_with(stream_name, $1) GROUP BY stream_name`,
    [streamPrefix],
  );
  return new Map(
    rows.map((row) => [
      row.stream_name,
      { events: row.events, lastRevision: row.last_revision, lastPosition: row.last_position },
    ]),
  );
}

export function uniquePrefix(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}-`;
}

export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function total(counts: ReadonlyMap<string, number>): number {
  return [...counts.values()].reduce((sum, count) => sum + count, 0);
}
