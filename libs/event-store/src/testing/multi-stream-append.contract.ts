import type { NewEvent } from '../envelope';
import {
  EventIdConflictError,
  InvalidEventError,
  InvalidMultiStreamAppendError,
  InvalidStreamNameError,
  WrongExpectedRevisionError,
} from '../errors';
import type { EventStore, StreamAppend } from '../event-store.port';
import { collect, newEvents, readAllIds, uniquePrefix } from './contract-helpers';

/**
 * `appendToStreams`, for backends that offer it: all streams or none, each at its own expected
 * revision. Part of `describeEventStoreContract`.
 */
export function describeMultiStreamAppendContract(store: () => EventStore): void {
  const appendToStreams = (appends: readonly StreamAppend[]) => {
    const backend = store();
    if (!backend.appendToStreams) throw new Error('no appendToStreams');
    return backend.appendToStreams(appends);
  };

  it('writes every stream at its expected revision, in the order given, in one commit', async () => {
    const prefix = uniquePrefix('multi');
    await store().append(`${prefix}tenant`, newEvents(2), 'no-stream');
    await store().append(`${prefix}pool`, newEvents(1), 'no-stream');
    const tenant = newEvents(1, 'TenantQuotaClaimed');
    const pool = newEvents(1, 'VniAllocated');
    const vpc = newEvents(2, 'VpcCreated');
    const results = await appendToStreams([
      { stream: `${prefix}tenant`, events: tenant, expected: 1 },
      { stream: `${prefix}pool`, events: pool, expected: 'exists' },
      { stream: `${prefix}vpc`, events: vpc, expected: 'no-stream' },
    ]);

    expect(results.map((result) => result.streamRevision)).toEqual([2, 1, 1]);
    expect(results.map((result) => result.deduplicated)).toEqual([false, false, false]);
    expect(results[2]!.events.map((event) => event.revision)).toEqual([0, 1]);
    const positions = results.flatMap((result) => result.events.map((event) => event.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(await readAllIds(store(), { streamPrefixes: [prefix] })).toEqual([
      ...(await store().readStream(`${prefix}tenant`)).slice(0, 2).map((event) => event.id),
      ...(await store().readStream(`${prefix}pool`)).slice(0, 1).map((event) => event.id),
      ...[...tenant, ...pool, ...vpc].map((event) => event.id),
    ]);
    const [read] = await store().readStream(`${prefix}vpc`);
    expect(read).toMatchObject({ type: 'VpcCreated', revision: 0, position: positions[2] });
    expect(await store().append(`${prefix}any`, newEvents(1), 'any')).toMatchObject({
      streamRevision: 0,
    });
    const [anyResult] = await appendToStreams([
      { stream: `${prefix}any`, events: newEvents(2), expected: 'any' },
    ]);
    expect(anyResult!.streamRevision).toBe(2);
  });

  it.each([
    ['a revision behind', 0, 1],
    ['no-stream on an existing stream', 'no-stream', 1],
    ['exists on a missing stream', 'exists', 'no-stream'],
  ] as const)(
    'writes nothing to any stream when one is %s, and names it',
    async (_, expected, actual) => {
      const prefix = uniquePrefix('multi');
      const conflicting = `${prefix}b`;
      if (actual !== 'no-stream') await store().append(conflicting, newEvents(2), 'no-stream');
      await store().append(`${prefix}a`, newEvents(1), 'no-stream');
      const attempt = appendToStreams([
        { stream: `${prefix}a`, events: newEvents(1), expected: 0 },
        { stream: conflicting, events: newEvents(1), expected },
        { stream: `${prefix}c`, events: newEvents(1), expected: 'no-stream' },
      ]);
      await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(attempt).rejects.toMatchObject({ stream: conflicting, actual });
      expect(await readAllIds(store(), { streamPrefixes: [prefix] })).toHaveLength(
        actual === 'no-stream' ? 1 : 3,
      );
      // The streams that did hold were not moved either: their revisions still hold.
      await store().append(`${prefix}a`, newEvents(1), 0);
      await store().append(`${prefix}c`, newEvents(1), 'no-stream');
    },
  );

  it('lets exactly one of many concurrent multi-stream appends on a shared stream win', async () => {
    const prefix = uniquePrefix('multi');
    await store().append(`${prefix}shared`, newEvents(1), 'no-stream');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        appendToStreams([
          { stream: `${prefix}own-${index}`, events: newEvents(1), expected: 'no-stream' },
          { stream: `${prefix}shared`, events: newEvents(1), expected: 0 },
        ]),
      ),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
    }
    const streams = (await collect(store().readAll({ filter: { streamPrefixes: [prefix] } }))).map(
      (event) => event.stream,
    );
    expect(streams.filter((stream) => stream.includes('own-'))).toHaveLength(1);
    expect(await store().readStream(`${prefix}shared`)).toHaveLength(2);
  });

  it('reports the original positions for a retried multi-stream append', async () => {
    const prefix = uniquePrefix('multi');
    const appends = [
      { stream: `${prefix}a`, events: newEvents(2), expected: 'no-stream' as const },
      { stream: `${prefix}b`, events: newEvents(1), expected: 'no-stream' as const },
    ];
    const first = await appendToStreams(appends);
    const retry = await appendToStreams(appends);
    expect(retry.map((result) => result.deduplicated)).toEqual([true, true]);
    expect(retry.map((result) => result.events)).toEqual(first.map((result) => result.events));
    expect(await readAllIds(store(), { streamPrefixes: [prefix] })).toHaveLength(3);

    const reused = [appends[0]!.events[0]!, ...newEvents(1)];
    await expect(
      appendToStreams([{ stream: `${prefix}c`, events: reused, expected: 'any' }]),
    ).rejects.toBeInstanceOf(EventIdConflictError);
  });

  it('refuses bad input as a whole, and writes nothing', async () => {
    const prefix = uniquePrefix('multi');
    const [event] = newEvents(1);
    const good = (stream: string): StreamAppend => ({
      stream: `${prefix}${stream}`,
      events: newEvents(1),
      expected: 'any',
    });
    await expect(appendToStreams([])).rejects.toBeInstanceOf(InvalidMultiStreamAppendError);
    await expect(appendToStreams([good('a'), good('a')])).rejects.toBeInstanceOf(
      InvalidMultiStreamAppendError,
    );
    await expect(
      appendToStreams([good('a'), { stream: '$all', events: newEvents(1), expected: 'any' }]),
    ).rejects.toBeInstanceOf(InvalidStreamNameError);
    await expect(
      appendToStreams([
        { stream: `${prefix}a`, events: [event!], expected: 'any' },
        { stream: `${prefix}b`, events: [event!], expected: 'any' },
      ]),
    ).rejects.toBeInstanceOf(InvalidEventError);
    await expect(
      appendToStreams([
        good('a'),
        {
          stream: `${prefix}b`,
          events: [{ type: 'X', data: [] } as unknown as NewEvent],
          expected: 'any',
        },
      ]),
    ).rejects.toBeInstanceOf(InvalidEventError);
    expect(await readAllIds(store(), { streamPrefixes: [prefix] })).toEqual([]);
  });
}
