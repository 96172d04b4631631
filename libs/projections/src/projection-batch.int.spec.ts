import type { RecordedEvent } from '@loom/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { ProjectionBatchApplyError } from './projection-errors';
import {
  counterEvents,
  logStreamHeads,
  migrateReadModel,
  openProcess,
  total,
  uniquePrefix,
  waitFor,
  writeConcurrently,
  type ProcessUnderTest,
} from './testing/projection-test-kit';
import { countersByStream, countsByStream } from './testing/stream-counter.projection';
import { streamTallyProjection } from './testing/stream-tally.projection';

/** Projections that apply a whole batch at once (applyBatch), with the same guarantees. */
describe('batch projections', () => {
  let database: TestDatabase;
  let processes: [ProcessUnderTest, ProcessUnderTest];

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateReadModel(database.url);
    processes = [await openProcess(database.url), await openProcess(database.url)];
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.close()));
    await database.drop();
  });

  const [first, second] = [() => processes[0], () => processes[1]];
  const errorsOf = (process: ProcessUnderTest, projection: string) =>
    process.logger
      .errors()
      .filter((entry) => (entry.details as { projection?: string }).projection === projection);

  it('follow writers live, then rebuild, each event once, one applyBatch per transaction', async () => {
    const prefix = uniquePrefix('tally');
    const batches: number[] = [];
    const runner = first().runner({
      projections: [
        streamTallyProjection({
          name: 'tally-live',
          streamPrefix: prefix,
          beforeBatch: (events) => {
            expect(events.length).toBeGreaterThan(0);
            batches.push(events.length);
          },
        }),
      ],
      batchSize: 100,
    });
    runner.start();
    await writeConcurrently(first().store, {
      streamPrefix: prefix,
      writers: 4,
      eventsPerWriter: 500,
      streams: 10,
    });
    await runner.waitForHead('tally-live', 60_000);
    await runner.stop();
    const expected = await logStreamHeads(first().pool, prefix);
    expect(await countersByStream(first().dataSource.manager, 'tally-live')).toEqual(expected);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(2_000);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);

    const rebuild = first().runner({
      projections: [streamTallyProjection({ name: 'tally-rebuild', streamPrefix: prefix })],
    });
    rebuild.start();
    await rebuild.waitForHead('tally-rebuild', 60_000);
    await rebuild.stop();
    expect(await countersByStream(first().dataSource.manager, 'tally-rebuild')).toEqual(expected);
    expect(errorsOf(first(), 'tally-live')).toEqual([]);
  });

  it('in two processes at once never apply an event twice: the checkpoint lock serialises them', async () => {
    const prefix = uniquePrefix('tally-twins');
    const name = 'tally-twins';
    const applied = [0, 0];
    const runners = processes.map((process, index) =>
      process.runner({
        projections: [
          streamTallyProjection({
            name,
            streamPrefix: prefix,
            beforeBatch: (events) => {
              applied[index]! += events.length;
            },
          }),
        ],
        batchSize: 20,
      }),
    );
    for (const runner of runners) runner.start();
    await writeConcurrently(first().store, {
      streamPrefix: prefix,
      writers: 4,
      eventsPerWriter: 250,
      streams: 10,
    });
    await Promise.all(runners.map((runner) => runner.waitForHead(name, 60_000)));
    await Promise.all(runners.map((runner) => runner.stop()));

    expect(await countersByStream(second().dataSource.manager, name)).toEqual(
      await logStreamHeads(first().pool, prefix),
    );
    // No batch failed: every event handed to applyBatch belongs to a committed batch.
    expect(applied[0]! + applied[1]!).toBe(1_000);
    expect(processes.flatMap((process) => errorsOf(process, name))).toEqual([]);
  });

  it('roll a failed batch back whole and retry it, the error naming its positions', async () => {
    const prefix = uniquePrefix('tally-flaky');
    await first().store.append(`${prefix}a`, counterEvents(30), 'no-stream');
    await first().store.append(`${prefix}b`, counterEvents(20), 'no-stream');
    const victim = (await first().store.readStream(`${prefix}a`))[17]!;
    let failed: readonly RecordedEvent[] = [];
    const runner = first().runner({
      projections: [
        streamTallyProjection({
          name: 'tally-flaky',
          streamPrefix: prefix,
          beforeBatch: (events) => {
            if (failed.length > 0 || !events.some((event) => event.id === victim.id)) return;
            failed = events;
            throw new Error('simulated outage');
          },
        }),
      ],
      batchSize: 8,
    });
    runner.start();
    await runner.waitForHead('tally-flaky', 20_000);
    await runner.stop();

    expect(await countsByStream(first().dataSource.manager, 'tally-flaky')).toEqual(
      new Map([
        [`${prefix}a`, 30],
        [`${prefix}b`, 20],
      ]),
    );
    const failures = errorsOf(first(), 'tally-flaky');
    expect(failures).toHaveLength(1);
    const { err } = failures[0]!.details as { err: unknown };
    expect(err).toBeInstanceOf(ProjectionBatchApplyError);
    expect(err).toMatchObject({
      from: failed[0]!.position,
      to: failed.at(-1)!.position,
      events: failed.length,
    });
  });

  it('never skip a batch that keeps failing: the checkpoint stays before it', async () => {
    const prefix = uniquePrefix('tally-poison');
    await first().store.append(`${prefix}a`, counterEvents(10), 'no-stream');
    const poison = (await first().store.readStream(`${prefix}a`))[4]!;
    const runner = first().runner({
      projections: [
        streamTallyProjection({
          name: 'tally-poison',
          streamPrefix: prefix,
          beforeBatch: (events) => {
            if (events.some((event) => event.id === poison.id)) throw new Error('poisoned');
          },
        }),
      ],
      batchSize: 3,
    });
    runner.start();
    await waitFor(() => errorsOf(first(), 'tally-poison').length >= 3);
    const [status] = await runner.status();
    await runner.stop();

    expect(status!.position! < poison.position).toBe(true);
    expect(status).toMatchObject({ caughtUp: false, running: true });
    expect(status!.lastError).toContain('poisoned');
    const applied = total(await countsByStream(first().dataSource.manager, 'tally-poison'));
    expect(applied).toBeLessThan(5);
    expect(status!.lagEvents).toBe(10 - applied);
  });
});
