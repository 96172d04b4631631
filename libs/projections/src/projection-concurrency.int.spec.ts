import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import {
  logCountsByStream,
  migrateReadModel,
  openProcess,
  total,
  uniquePrefix,
  writeConcurrently,
  type ProcessUnderTest,
} from './testing/projection-test-kit';
import { countsByStream, streamCounterProjection } from './testing/stream-counter.projection';

describe('two runners of the same projection at once', () => {
  let database: TestDatabase;
  let processes: ProcessUnderTest[];

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateReadModel(database.url);
    processes = await Promise.all([openProcess(database.url), openProcess(database.url)]);
  });
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.close()));
    await database.drop();
  });

  it('never apply an event twice: the checkpoint lock serialises their batches', async () => {
    const prefix = uniquePrefix('twins');
    const name = 'counter-twins';
    const applied = [0, 0];
    const runners = processes.map((process, index) =>
      process.runner({
        projections: [
          streamCounterProjection({
            name,
            streamPrefix: prefix,
            beforeApply: () => {
              applied[index]! += 1;
            },
          }),
        ],
        // Small batches interleave the two runners often.
        batchSize: 20,
      }),
    );
    for (const runner of runners) runner.start();
    await writeConcurrently(processes[0]!.store, {
      streamPrefix: prefix,
      writers: 4,
      eventsPerWriter: 500,
      streams: 10,
    });
    await Promise.all(runners.map((runner) => runner.waitForHead(name, 60_000)));
    await Promise.all(runners.map((runner) => runner.stop()));

    const expected = await logCountsByStream(processes[0]!.pool, prefix);
    expect(total(expected)).toBe(2_000);
    expect(await countsByStream(processes[1]!.dataSource.manager, name)).toEqual(expected);
    // No batch failed, so every apply call belongs to a committed batch: each event exactly once.
    expect(applied[0]! + applied[1]!).toBe(2_000);
    expect(processes.flatMap((process) => process.logger.errors())).toEqual([]);
    process.stdout.write(`two runners split 2000 events as ${applied.join(' + ')}\n`);
  });
});
