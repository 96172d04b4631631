import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { ProjectionApplyError } from './projection-errors';
import {
  counterEvents,
  logCountsByStream,
  logStreamHeads,
  migrateReadModel,
  openProcess,
  total,
  uniquePrefix,
  waitFor,
  writeConcurrently,
  type ProcessUnderTest,
} from './testing/projection-test-kit';
import {
  countersByStream,
  countsByStream,
  streamCounterProjection,
} from './testing/stream-counter.projection';

describe('ProjectionRunner', () => {
  let database: TestDatabase;
  let engine: ProcessUnderTest;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateReadModel(database.url);
    engine = await openProcess(database.url);
  });
  afterAll(async () => {
    await engine.close();
    await database.drop();
  });

  describe('over 2,000 events from 4 concurrent writers', () => {
    const prefix = uniquePrefix('load');

    it('ends with exactly one count per event, following the writers live', async () => {
      const runner = engine.runner({
        projections: [streamCounterProjection({ name: 'counter-live', streamPrefix: prefix })],
        batchSize: 100,
      });
      runner.start();
      await Promise.all([
        writeConcurrently(engine.store, {
          streamPrefix: prefix,
          writers: 4,
          eventsPerWriter: 500,
          streams: 10,
        }),
        // Events outside the filter: they must not reach the projection.
        writeConcurrently(engine.store, {
          streamPrefix: uniquePrefix('noise'),
          writers: 2,
          eventsPerWriter: 100,
          streams: 3,
        }),
      ]);
      await runner.waitForHead('counter-live', 60_000);

      const expected = await logStreamHeads(engine.pool, prefix);
      expect([...expected.values()].reduce((sum, head) => sum + head.events, 0)).toBe(2_000);
      expect(await countersByStream(engine.dataSource.manager, 'counter-live')).toEqual(expected);
      expect(await runner.status()).toEqual([
        expect.objectContaining({ name: 'counter-live', lagEvents: 0, caughtUp: true }),
      ]);
      expect(engine.logger.errors()).toEqual([]);
      await runner.stop();
    });

    it('rebuilds the same read model from the start under a new name', async () => {
      const runner = engine.runner({
        projections: [streamCounterProjection({ name: 'counter-rebuild', streamPrefix: prefix })],
      });
      const startedAt = process.hrtime.bigint();
      runner.start();
      await runner.waitForHead('counter-rebuild', 60_000);
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      await runner.stop();

      const expected = await logCountsByStream(engine.pool, prefix);
      expect(await countsByStream(engine.dataSource.manager, 'counter-rebuild')).toEqual(expected);
      process.stdout.write(
        `rebuild of ${total(expected)} events (batch 500, 2 statements per event): ` +
          `${seconds.toFixed(2)} s, ${Math.round(total(expected) / seconds)} events/s\n`,
      );
    });
  });

  it('retries an apply that throws once and converges, logging the failure', async () => {
    const prefix = uniquePrefix('flaky');
    await engine.store.append(`${prefix}a`, counterEvents(30), 'no-stream');
    await engine.store.append(`${prefix}b`, counterEvents(20), 'no-stream');
    const victim = (await engine.store.readStream(`${prefix}a`))[17]!;
    let victimAttempts = 0;
    const runner = engine.runner({
      projections: [
        streamCounterProjection({
          name: 'counter-flaky',
          streamPrefix: prefix,
          beforeApply: (event) => {
            if (event.id !== victim.id) return;
            victimAttempts += 1;
            if (victimAttempts === 1) throw new Error('simulated outage');
          },
        }),
      ],
      batchSize: 8,
    });
    runner.start();
    await runner.waitForHead('counter-flaky', 20_000);
    await runner.stop();

    expect(await countsByStream(engine.dataSource.manager, 'counter-flaky')).toEqual(
      new Map([
        [`${prefix}a`, 30],
        [`${prefix}b`, 20],
      ]),
    );
    expect(victimAttempts).toBe(2);
    const failures = engine.logger
      .errors()
      .filter((entry) => (entry.details as { projection?: string }).projection === 'counter-flaky');
    expect(failures).toHaveLength(1);
    const { err } = failures[0]!.details as { err: unknown };
    expect(err).toBeInstanceOf(ProjectionApplyError);
    expect(err).toMatchObject({ position: victim.position, event: { id: victim.id } });
  });

  it('never skips an event whose apply keeps failing: the checkpoint stays before it', async () => {
    const prefix = uniquePrefix('poison');
    await engine.store.append(`${prefix}a`, counterEvents(10), 'no-stream');
    const poison = (await engine.store.readStream(`${prefix}a`))[4]!;
    const runner = engine.runner({
      projections: [
        streamCounterProjection({
          name: 'counter-poison',
          streamPrefix: prefix,
          beforeApply: (event) => {
            if (event.id === poison.id) throw new Error('cannot apply this one');
          },
        }),
      ],
      batchSize: 3,
    });
    runner.start();
    const failures = (): number =>
      engine.logger
        .errors()
        .filter(
          (entry) => (entry.details as { projection?: string }).projection === 'counter-poison',
        ).length;
    await waitFor(() => failures() >= 3);

    const [status] = await runner.status();
    expect(status!.position! < poison.position).toBe(true);
    expect(status).toMatchObject({ caughtUp: false, running: true });
    expect(status!.lastError).toContain('cannot apply this one');
    await runner.stop();
    // Only whole batches before the poisoned one committed; nothing from or after it.
    const applied = (await countsByStream(engine.dataSource.manager, 'counter-poison')).get(
      `${prefix}a`,
    );
    expect(applied).toBeLessThan(5);
    expect(status!.lagEvents).toBe(10 - applied!);
  });
});
