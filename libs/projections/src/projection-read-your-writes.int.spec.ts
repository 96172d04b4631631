import { PostgresEventStore } from '@loom/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { readEventLogHead } from './event-log-probe';
import {
  ProjectionRunnerStoppedError,
  ProjectionWaitTimeoutError,
  UnknownProjectionError,
} from './projection-errors';
import {
  counterEvents,
  migrateReadModel,
  openProcess,
  total,
  uniquePrefix,
  waitFor,
  type ProcessUnderTest,
} from './testing/projection-test-kit';
import { countsByStream, streamCounterProjection } from './testing/stream-counter.projection';

describe('read-your-writes and lag', () => {
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

  it('waitForPosition resolves once an append is projected, and times out with a typed error', async () => {
    const prefix = uniquePrefix('ryw');
    const name = 'counter-ryw';
    const runner = engine.runner({
      projections: [streamCounterProjection({ name, streamPrefix: prefix })],
    });
    runner.start();

    const appended = await engine.store.append(`${prefix}vpc`, counterEvents(3), 'no-stream');
    await runner.waitForPosition(name, appended.events.at(-1)!.position, 10_000);
    // Read straight after the wait: the write is there.
    expect((await countsByStream(engine.dataSource.manager, name)).get(`${prefix}vpc`)).toBe(3);

    // Appended by another process: no in-process wake-up, found by polling.
    const otherStore = new PostgresEventStore({ pool: database.pool });
    await otherStore.append(`${prefix}vpc`, counterEvents(2), 2);
    await runner.waitForHead(name, 10_000);
    expect((await countsByStream(engine.dataSource.manager, name)).get(`${prefix}vpc`)).toBe(5);

    const head = await readEventLogHead(engine.pool);
    const never = head! + (1n << 40n);
    const startedAt = Date.now();
    const timedOut = await runner
      .waitForPosition(name, never, 300)
      .catch((error: unknown) => error);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(timedOut).toBeInstanceOf(ProjectionWaitTimeoutError);
    expect(timedOut).toMatchObject({
      code: 'PROJECTION_WAIT_TIMEOUT',
      projection: name,
      position: never,
      timeoutMs: 300,
    });

    await expect(runner.waitForPosition('no-such-projection', 1n, 100)).rejects.toBeInstanceOf(
      UnknownProjectionError,
    );
    const pending = runner.waitForPosition(name, never, 60_000);
    await runner.stop();
    await expect(pending).rejects.toBeInstanceOf(ProjectionRunnerStoppedError);
  });

  it('reports lag while behind, finishes the batch in flight on stop, and 0 lag once caught up', async () => {
    const prefix = uniquePrefix('lag');
    const name = 'counter-lag';
    for (const stream of ['a', 'b', 'c']) {
      await engine.store.append(`${prefix}${stream}`, counterEvents(100), 'no-stream');
    }
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    const gated = engine.runner({
      projections: [
        streamCounterProjection({
          name,
          streamPrefix: prefix,
          beforeApply: async () => {
            entered = true;
            await gate;
          },
        }),
      ],
      batchSize: 50,
    });

    expect(await gated.status()).toEqual([
      {
        name,
        position: undefined,
        lagEvents: 300,
        caughtUp: false,
        running: false,
        lastError: undefined,
      },
    ]);
    gated.start();
    await waitFor(() => entered);
    expect(await gated.status()).toEqual([
      expect.objectContaining({ lagEvents: 300, caughtUp: false, running: true }),
    ]);

    const stopping = gated.stop();
    release();
    await stopping;
    const [stopped] = await gated.status();
    expect(total(await countsByStream(engine.dataSource.manager, name))).toBe(50);
    expect(stopped).toMatchObject({ lagEvents: 250, caughtUp: false, running: false });

    const runner = engine.runner({
      projections: [streamCounterProjection({ name, streamPrefix: prefix })],
    });
    runner.start();
    await runner.waitForHead(name, 10_000);
    const head = await readEventLogHead(engine.pool, { streamPrefixes: [prefix] });
    expect(await runner.status()).toEqual([
      { name, position: head, lagEvents: 0, caughtUp: true, running: true, lastError: undefined },
    ]);
    await runner.stop();
  });

  it('waitForHead looks back no further than what the projection has reached', async () => {
    const rare = uniquePrefix('rare-head');
    const busy = uniquePrefix('busy-head');
    const name = 'counter-rare-head';
    const runner = engine.runner({
      projections: [streamCounterProjection({ name, streamPrefix: rare })],
      checkpointAdvanceMs: 60_000,
    });
    runner.start();
    await engine.store.append(`${rare}s`, counterEvents(1), 'no-stream');
    await runner.waitForHead(name, 10_000);
    // Events of other streams after the projection's last one: a Get would scan back over them.
    for (let index = 0; index < 20; index += 1) {
      await engine.store.append(`${busy}s`, counterEvents(10), 'any');
    }
    await runner.advanceCheckpoints();
    const [reached] = await runner.status();
    const spy = jest.spyOn(engine.pool, 'query');
    await runner.waitForHead(name, 1_000);
    const bounds = spy.mock.calls
      .map(([query, values]) => ({ text: query, values: values as unknown[] }))
      .filter(
        ({ text }) =>
          typeof text === 'string' && text.includes('ORDER BY global_position DESC LIMIT 1'),
      )
      .map(({ values }) => values[2]);
    spy.mockRestore();
    expect(bounds).toEqual([reached!.position!.toString()]);
    await runner.stop();
  });
});
