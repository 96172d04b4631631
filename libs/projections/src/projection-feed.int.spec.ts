import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import {
  counterEvents,
  logCountsByStream,
  migrateReadModel,
  openProcess,
  uniquePrefix,
  waitFor,
  type ProcessUnderTest,
} from './testing/projection-test-kit';
import { countsByStream, streamCounterProjection } from './testing/stream-counter.projection';

/** The projections of a runner read the log through one shared feed. */
describe('projections sharing one reading of the log', () => {
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

  /** Reads of the log by subscriptions: the PostgreSQL store's named horizon-batch statement. */
  function countLogReads(of: ProcessUnderTest): { reads: () => number; stop: () => void } {
    const spy = jest.spyOn(of.pool, 'query');
    return {
      reads: () =>
        spy.mock.calls.filter(
          ([query]) => (query as { name?: string } | undefined)?.name === 'loom-horizon-batch',
        ).length,
      stop: () => {
        spy.mockRestore();
      },
    };
  }

  it('read the log once per append, not once per projection', async () => {
    // Woken by appends only: with the kit's 20 ms polls, a loaded machine added a read per poll
    // (43 for 20 appends once in CI beside a benchmark, at load 6).
    const quiet = await openProcess(database.url, 60_000);
    try {
      await readOncePerAppend(quiet);
    } finally {
      await quiet.close();
    }
  });

  async function readOncePerAppend(engine: ProcessUnderTest): Promise<void> {
    const prefix = uniquePrefix('shared');
    const names = ['shared-1', 'shared-2', 'shared-3', 'shared-4', 'shared-5'];
    const runner = engine.runner({
      projections: names.map((name) => streamCounterProjection({ name, streamPrefix: prefix })),
    });
    runner.start();
    await engine.store.append(`${prefix}s`, counterEvents(1), 'no-stream');
    await Promise.all(names.map((name) => runner.waitForHead(name, 10_000)));

    const counter = countLogReads(engine);
    const appends = 20;
    for (let index = 1; index <= appends; index += 1) {
      const { events } = await engine.store.append(`${prefix}s`, counterEvents(1), index - 1);
      await Promise.all(
        names.map((name) => runner.waitForPosition(name, events[0]!.position, 10_000)),
      );
    }
    const reads = counter.reads();
    counter.stop();
    await runner.stop();

    // One subscription per projection would read at least 5 times per append.
    expect(reads).toBeGreaterThanOrEqual(appends);
    expect(reads).toBeLessThanOrEqual(2 * appends);
    for (const name of names) {
      expect(await countsByStream(engine.dataSource.manager, name)).toEqual(
        new Map([[`${prefix}s`, appends + 1]]),
      );
    }
  }

  it('keep a projection that keeps failing from holding the others back', async () => {
    const prefix = uniquePrefix('isolated');
    const runner = engine.runner({
      projections: [
        streamCounterProjection({
          name: 'isolated-poisoned',
          streamPrefix: prefix,
          beforeApply: () => {
            throw new Error('never applies');
          },
        }),
        streamCounterProjection({ name: 'isolated-healthy', streamPrefix: prefix }),
      ],
      batchSize: 10,
    });
    runner.start();
    for (let round = 0; round < 5; round += 1) {
      await engine.store.append(`${prefix}s${round}`, counterEvents(30), 'no-stream');
      await runner.waitForHead('isolated-healthy', 10_000);
    }
    await waitFor(
      () =>
        engine.logger
          .errors()
          .filter(
            (entry) =>
              (entry.details as { projection?: string }).projection === 'isolated-poisoned',
          ).length >= 3,
    );
    const [poisoned, healthy] = await runner.status();
    await runner.stop();

    expect(healthy).toMatchObject({ lagEvents: 0, caughtUp: true });
    expect(poisoned).toMatchObject({ lagEvents: 150, caughtUp: false });
    expect(await countsByStream(engine.dataSource.manager, 'isolated-healthy')).toEqual(
      await logCountsByStream(engine.pool, prefix),
    );
  });
});
