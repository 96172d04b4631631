import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { readEventLogHead } from './event-log-probe';
import { ProjectionApplyError } from './projection-errors';
import type { ProjectionRunner } from './projection-runner';
import {
  logCountsByStream,
  migrateReadModel,
  openProcess,
  total,
  uniquePrefix,
  waitFor,
  writeConcurrently,
} from './testing/projection-test-kit';
import { countsByStream, streamCounterProjection } from './testing/stream-counter.projection';

/** Each "process" gets its own pool, event store, data source and runner, as a restarted engine would. */
describe('resuming a projection from its checkpoint', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateReadModel(database.url);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('continues after a runner stopped mid-way: no event applied twice or lost', async () => {
    const prefix = uniquePrefix('resume');
    const name = 'counter-resume';
    const first = await openProcess(database.url);
    await writeConcurrently(first.store, {
      streamPrefix: prefix,
      writers: 4,
      eventsPerWriter: 250,
      streams: 8,
    });

    let appliedByFirst = 0;
    let stopping: Promise<void> | undefined;
    const runner: ProjectionRunner = first.runner({
      projections: [
        streamCounterProjection({
          name,
          streamPrefix: prefix,
          beforeApply: () => {
            appliedByFirst += 1;
            // Asked from inside a batch: the runner must finish that batch, then stop.
            if (appliedByFirst === 300) stopping = runner.stop();
          },
        }),
      ],
      batchSize: 50,
    });
    runner.start();
    await waitFor(() => stopping !== undefined);
    await stopping;
    const [stopped] = await runner.status();
    const head = await readEventLogHead(first.pool, { streamPrefixes: [prefix] });
    expect(stopped!.position! < head!).toBe(true);
    expect(total(await countsByStream(first.dataSource.manager, name))).toBe(appliedByFirst);
    expect(stopped!.lagEvents).toBe(1_000 - appliedByFirst);
    // More events while no runner is up.
    await writeConcurrently(first.store, {
      streamPrefix: prefix,
      writers: 2,
      eventsPerWriter: 250,
      streams: 8,
    });
    await first.close();

    const second = await openProcess(database.url);
    let appliedBySecond = 0;
    let firstPositionOfSecond: bigint | undefined;
    const resumed = second.runner({
      projections: [
        streamCounterProjection({
          name,
          streamPrefix: prefix,
          beforeApply: (event) => {
            appliedBySecond += 1;
            firstPositionOfSecond ??= event.position;
          },
        }),
      ],
    });
    resumed.start();
    await resumed.waitForHead(name, 30_000);

    expect(firstPositionOfSecond! > stopped!.position!).toBe(true);
    expect(appliedByFirst + appliedBySecond).toBe(1_500);
    expect(await countsByStream(second.dataSource.manager, name)).toEqual(
      await logCountsByStream(second.pool, prefix),
    );
    await second.close();
  });

  it('keeps nothing of a batch that failed half-way: the next process redoes all of it', async () => {
    const prefix = uniquePrefix('crash');
    const name = 'counter-crash';
    const first = await openProcess(database.url);
    await writeConcurrently(first.store, {
      streamPrefix: prefix,
      writers: 4,
      eventsPerWriter: 100,
      streams: 5,
    });
    let seen = 0;
    let fatal: string | undefined;
    const runner = first.runner({
      projections: [
        streamCounterProjection({
          name,
          streamPrefix: prefix,
          beforeApply: (event) => {
            seen += 1;
            // The 20th event of the fourth batch, on every attempt: that process never gets past it.
            if (seen === 170) fatal = event.id;
            if (event.id === fatal) throw new Error('process dies here');
          },
        }),
      ],
      batchSize: 50,
    });
    runner.start();
    await waitFor(() => first.logger.errors().length >= 2);
    await runner.stop();
    expect(first.logger.errors()[0]!.details).toMatchObject({
      err: expect.any(ProjectionApplyError) as unknown,
    });
    const [crashed] = await runner.status();
    expect(total(await countsByStream(first.dataSource.manager, name))).toBe(150);
    expect(crashed!.lagEvents).toBe(250);
    await first.close();

    const second = await openProcess(database.url);
    const resumed = second.runner({
      projections: [streamCounterProjection({ name, streamPrefix: prefix })],
    });
    resumed.start();
    await resumed.waitForHead(name, 30_000);
    expect(await countsByStream(second.dataSource.manager, name)).toEqual(
      await logCountsByStream(second.pool, prefix),
    );
    await second.close();
  });

  it('moves a checkpoint over the events its filter skips: a restart does not read them again', async () => {
    const rare = uniquePrefix('rare');
    const busy = uniquePrefix('busy');
    const name = 'counter-rare';
    const first = await openProcess(database.url);
    await writeConcurrently(first.store, {
      streamPrefix: rare,
      writers: 1,
      eventsPerWriter: 5,
      streams: 1,
    });
    const runner = first.runner({
      projections: [streamCounterProjection({ name, streamPrefix: rare })],
      checkpointAdvanceMs: 60_000,
    });
    runner.start();
    await runner.waitForHead(name, 30_000);
    // Events of other streams: the projection skips them, its checkpoint stays at its last event.
    await writeConcurrently(first.store, {
      streamPrefix: busy,
      writers: 4,
      eventsPerWriter: 100,
      streams: 4,
    });
    const logHead = (await readEventLogHead(first.pool))!;
    const [before] = await runner.status();
    expect(before!.position! < logHead).toBe(true);

    expect(await runner.advanceCheckpoints()).toEqual([name]);
    const [after] = await runner.status();
    expect(after!.position! >= logHead).toBe(true);
    expect(after!.lagEvents).toBe(0);
    // Waiting for a skipped position ends at once.
    await runner.waitForPosition(name, logHead, 1_000);
    await first.close();

    // One more event of its filter while no runner is up: the checkpoint must not pass over it.
    const second = await openProcess(database.url);
    await writeConcurrently(second.store, {
      streamPrefix: rare,
      writers: 1,
      eventsPerWriter: 1,
      streams: 1,
    });
    const reads = jest.spyOn(second.store, 'readAll');
    const applied: bigint[] = [];
    const resumed = second.runner({
      projections: [
        streamCounterProjection({
          name,
          streamPrefix: rare,
          beforeApply: (event) => {
            applied.push(event.position);
          },
        }),
      ],
      checkpointAdvanceMs: 60_000,
    });
    expect(await resumed.advanceCheckpoints()).toEqual([]);
    resumed.start();
    await resumed.waitForHead(name, 30_000);
    expect(applied).toHaveLength(1);
    // It read from where the first process left it, past the other streams' events.
    expect(reads.mock.calls[0]![0]!.after! >= logHead).toBe(true);
    expect(await countsByStream(second.dataSource.manager, name)).toEqual(
      await logCountsByStream(second.pool, rare),
    );
    await second.close();
  });
});
