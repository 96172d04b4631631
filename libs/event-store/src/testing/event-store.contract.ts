import type { NewEvent } from '../envelope';
import {
  EmptyAppendError,
  EventIdConflictError,
  type EventStoreError,
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidReadOptionsError,
  InvalidStreamNameError,
  WrongExpectedRevisionError,
} from '../errors';
import type { EventStore } from '../event-store.port';
import type { ExpectedRevision } from '../expected-revision';
import { startCheckpointedSubscription } from '../subscriptions/checkpointed-subscription';
import { collect, newEvents, readAllIds, take, uniquePrefix, waitFor } from './contract-helpers';
import { describeMultiStreamAppendContract } from './multi-stream-append.contract';

export interface EventStoreContractOptions {
  readonly backend: string;
  readonly createStore: () => Promise<EventStore>;
  readonly disposeStore: (store: EventStore) => Promise<void>;
  readonly quirks?: {
    /** EventStoreDB recognises a repeated event id only within one stream. */
    readonly eventIdsUniquePerStreamOnly?: boolean;
    /** No atomic multi-stream append: the store has no `appendToStreams`. */
    readonly noMultiStreamAppend?: boolean;
  };
}

/** The behaviour every event store backend must show; each backend's spec file calls this. */
export function describeEventStoreContract(options: EventStoreContractOptions): void {
  describe(`event store contract: ${options.backend}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await options.createStore();
    });
    afterAll(async () => {
      await options.disposeStore(store);
    });

    describe('append and readStream', () => {
      it('records the full envelope, revisions from 0 and increasing positions', async () => {
        const stream = `${uniquePrefix('vpc')}1`;
        const events = newEvents(3, 'VpcCreated');
        const result = await store.append(stream, events, 'no-stream');

        expect(result.deduplicated).toBe(false);
        expect(result.streamRevision).toBe(2);
        expect(result.events.map((event) => event.revision)).toEqual([0, 1, 2]);
        const positions = result.events.map((event) => event.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

        const read = await store.readStream(stream);
        expect(read.map((event) => event.id)).toEqual(events.map((event) => event.id));
        const first = read[0]!;
        expect(first).toMatchObject({
          stream,
          revision: 0,
          position: positions[0],
          type: 'VpcCreated',
          schemaVersion: 1,
          data: { index: 0, note: 'event 0' },
          metadata: {
            tenant: 'acme',
            actor: 'contract-test',
            correlationId: events[0]!.metadata!.correlationId,
          },
        });
        expect(Date.parse(first.metadata.occurredAt)).not.toBeNaN();
        expect(first.recordedAt).toBeInstanceOf(Date);
      });

      it('keeps the schema version and the given occurred-at', async () => {
        const stream = `${uniquePrefix('vpc')}1`;
        const occurredAt = '2026-01-02T03:04:05.678Z';
        await store.append(
          stream,
          [
            {
              type: 'VpcRenamed',
              schemaVersion: 3,
              data: { name: 'blue' },
              metadata: { occurredAt },
            },
          ],
          'any',
        );
        const [event] = await store.readStream(stream);
        expect(event).toMatchObject({ schemaVersion: 3, metadata: { occurredAt } });
        expect(event!.id).toMatch(/^[0-9a-f-]{36}$/);
      });

      it('reads forwards and backwards from a revision, up to a count', async () => {
        const stream = `${uniquePrefix('subnet')}1`;
        await store.append(stream, newEvents(10), 'no-stream');
        const forwards = await store.readStream(stream, { fromRevision: 4, maxCount: 3 });
        expect(forwards.map((event) => event.revision)).toEqual([4, 5, 6]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
        expect(backwards.map((event) => event.revision)).toEqual([9, 8, 7]);
        const backFrom = await store.readStream(stream, {
          direction: 'backwards',
          fromRevision: 1,
        });
        expect(backFrom.map((event) => event.revision)).toEqual([1, 0]);
        expect(await store.readStream(`${uniquePrefix('missing')}x`)).toEqual([]);
      });
    });

    describe('optimistic concurrency', () => {
      const cases: [
        string,
        (stream: string) => Promise<void>,
        ExpectedRevision,
        number | 'no-stream',
      ][] = [
        ['no-stream on an existing stream', (s) => appendTwo(s), 'no-stream', 1],
        ['exists on a missing stream', () => Promise.resolve(), 'exists', 'no-stream'],
        ['a revision behind the stream', (s) => appendTwo(s), 0, 1],
        ['a revision ahead of the stream', (s) => appendTwo(s), 5, 1],
        ['a revision on a missing stream', () => Promise.resolve(), 0, 'no-stream'],
      ];
      const appendTwo = async (stream: string): Promise<void> => {
        await store.append(stream, newEvents(2), 'no-stream');
      };

      it.each(cases)(
        'refuses %s with a typed error and writes nothing',
        async (_, arrange, expected, actual) => {
          const stream = `${uniquePrefix('port')}1`;
          await arrange(stream);
          const before = await store.readStream(stream);
          const attempt = store.append(stream, newEvents(1), expected);
          await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
          await expect(attempt).rejects.toMatchObject({ stream, actual });
          expect(await store.readStream(stream)).toEqual(before);
        },
      );

      it('accepts exists, any and the exact revision', async () => {
        const stream = `${uniquePrefix('port')}1`;
        expect((await store.append(stream, newEvents(1), 'any')).streamRevision).toBe(0);
        expect((await store.append(stream, newEvents(1), 'exists')).streamRevision).toBe(1);
        expect((await store.append(stream, newEvents(2), 1)).streamRevision).toBe(3);
        expect((await store.append(stream, newEvents(1), 'any')).streamRevision).toBe(4);
      });

      it('lets exactly one of many concurrent appends with the same expected revision win', async () => {
        const stream = `${uniquePrefix('tenant')}1`;
        await store.append(stream, newEvents(1), 'no-stream');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append(stream, newEvents(2), 0)),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const outcome of lost)
          expect(outcome.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('lets exactly one of many concurrent creators of a stream win', async () => {
        const stream = `${uniquePrefix('reservation')}vni-10042`;
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.append(stream, newEvents(1), 'no-stream')),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('atomic multi-stream appends', () => {
      if (options.quirks?.noMultiStreamAppend === true) {
        it('are not offered, so callers append stream by stream', () => {
          expect(store.appendToStreams).toBeUndefined();
        });
      } else {
        describeMultiStreamAppendContract(() => store);
      }
    });

    describe('idempotent retries', () => {
      it('reports the original positions for a retried append and writes nothing new', async () => {
        const prefix = uniquePrefix('retry');
        const stream = `${prefix}1`;
        const events = newEvents(3);
        const first = await store.append(stream, events, 'no-stream');
        const retry = await store.append(stream, events, 'no-stream');
        const retryAny = await store.append(stream, events, 'any');

        expect(retry.deduplicated).toBe(true);
        expect(retry.events).toEqual(first.events);
        expect(retryAny.events).toEqual(first.events);
        expect(await store.readStream(stream)).toHaveLength(3);
        expect(await readAllIds(store, { streamPrefixes: [prefix] })).toHaveLength(3);
      });

      it('writes one copy when the same append is retried concurrently', async () => {
        const prefix = uniquePrefix('retry');
        const events = newEvents(2);
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () => store.append(`${prefix}1`, events, 'any')),
        );
        expect(new Set(outcomes.map((outcome) => outcome.events[0]!.position)).size).toBe(1);
        expect(await readAllIds(store, { streamPrefixes: [prefix] })).toHaveLength(2);
      });

      it('refuses ids already used by another append', async () => {
        const prefix = uniquePrefix('retry');
        const events = newEvents(2);
        await store.append(`${prefix}1`, events, 'no-stream');
        const acrossStreams = options.quirks?.eventIdsUniquePerStreamOnly !== true;
        if (acrossStreams) {
          await expect(store.append(`${prefix}2`, events, 'any')).rejects.toBeInstanceOf(
            EventIdConflictError,
          );
        }
        const partial = [events[0]!, ...newEvents(1)];
        await expect(store.append(`${prefix}1`, partial, 'any')).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await readAllIds(store, { streamPrefixes: [prefix] })).toHaveLength(2);
      });
    });

    describe('bad input', () => {
      const circular: Record<string, unknown> = {};
      circular['self'] = circular;
      const badEvents: [string, unknown, new (...args: never[]) => EventStoreError][] = [
        ['data that is an array', { type: 'X', data: [1, 2] }, InvalidEventError],
        ['data with undefined', { type: 'X', data: { a: undefined } }, InvalidEventError],
        ['data with NaN', { type: 'X', data: { a: Number.NaN } }, InvalidEventError],
        ['data with a function', { type: 'X', data: { a: () => 1 } }, InvalidEventError],
        ['data with a NUL character', { type: 'X', data: { a: 'x\u0000y' } }, InvalidEventError],
        ['data with a Date', { type: 'X', data: { a: new Date() } }, InvalidEventError],
        ['circular data', { type: 'X', data: circular }, InvalidEventError],
        ['no type', { data: {} }, InvalidEventError],
        ['a type with spaces', { type: 'Vpc Created', data: {} }, InvalidEventError],
        ['a malformed id', { id: 'not-a-uuid', type: 'X', data: {} }, InvalidEventError],
        ['schema version 0', { type: 'X', schemaVersion: 0, data: {} }, InvalidEventError],
        ['schema version 1.5', { type: 'X', schemaVersion: 1.5, data: {} }, InvalidEventError],
        [
          'unknown metadata',
          { type: 'X', data: {}, metadata: { colour: 'red' } },
          InvalidEventError,
        ],
        ['a non-string actor', { type: 'X', data: {}, metadata: { actor: 7 } }, InvalidEventError],
        [
          'a bad occurred-at',
          { type: 'X', data: {}, metadata: { occurredAt: 'yesterday' } },
          InvalidEventError,
        ],
        [
          'an event over the size limit',
          { type: 'X', data: { blob: 'x'.repeat(1_100_000) } },
          EventTooLargeError,
        ],
        ['not an object', 'VpcCreated', InvalidEventError],
      ];

      it.each(badEvents)('refuses %s, and writes none of the batch', async (_, bad, errorType) => {
        const stream = `${uniquePrefix('bad')}1`;
        const batch = [...newEvents(2), bad as NewEvent, ...newEvents(1)];
        await expect(store.append(stream, batch, 'any')).rejects.toBeInstanceOf(errorType);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('names the event and field at fault', async () => {
        const batch = [...newEvents(2), { type: 'X', data: { a: Number.NaN } }];
        await expect(store.append(`${uniquePrefix('bad')}1`, batch, 'any')).rejects.toMatchObject({
          index: 2,
          field: 'data',
        });
      });

      it('refuses an empty batch', async () => {
        await expect(store.append(`${uniquePrefix('bad')}1`, [], 'any')).rejects.toBeInstanceOf(
          EmptyAppendError,
        );
      });

      it('refuses a batch that repeats an id', async () => {
        const [event] = newEvents(1);
        await expect(
          store.append(`${uniquePrefix('bad')}1`, [event!, event!], 'any'),
        ).rejects.toBeInstanceOf(InvalidEventError);
      });

      it.each([-1, 1.5, 'latest', null, undefined, Number.NaN, '3'])(
        'refuses the expected revision %p',
        async (expected) => {
          const stream = `${uniquePrefix('bad')}1`;
          await expect(
            store.append(stream, newEvents(1), expected as ExpectedRevision),
          ).rejects.toBeInstanceOf(InvalidExpectedRevisionError);
          expect(await store.readStream(stream)).toEqual([]);
        },
      );

      it.each([
        '',
        '$all',
        '$ce-vpc',
        'has space',
        'tab\tname',
        'x'.repeat(201),
        'ümlaut',
        42,
        null,
      ])('refuses the stream name %p', async (stream) => {
        await expect(store.append(stream as string, newEvents(1), 'any')).rejects.toBeInstanceOf(
          InvalidStreamNameError,
        );
        await expect(store.readStream(stream as string)).rejects.toBeInstanceOf(
          InvalidStreamNameError,
        );
      });

      it('refuses malformed read options', async () => {
        const stream = `${uniquePrefix('bad')}1`;
        await expect(store.readStream(stream, { maxCount: 0 })).rejects.toBeInstanceOf(
          InvalidReadOptionsError,
        );
        await expect(store.readStream(stream, { fromRevision: -1 })).rejects.toBeInstanceOf(
          InvalidReadOptionsError,
        );
        await expect(collect(store.readAll({ batchSize: 0 }))).rejects.toBeInstanceOf(
          InvalidReadOptionsError,
        );
        expect(() => store.subscribeToAll({ from: -1n })).toThrow(InvalidReadOptionsError);
      });
    });

    describe('readAll', () => {
      it('reads the global order in batches, after a position, filtered by prefix and type', async () => {
        const prefix = uniquePrefix('all');
        await store.append(`${prefix}a`, newEvents(5, 'PortCreated'), 'no-stream');
        await store.append(`${prefix}b`, newEvents(4, 'PortDeleted'), 'no-stream');
        await store.append(`${prefix}a`, newEvents(3, 'PortCreated'), 4);

        const all = await collect(
          store.readAll({ filter: { streamPrefixes: [prefix] }, batchSize: 2 }),
        );
        expect(all).toHaveLength(12);
        expect(all.map((event) => event.position)).toEqual(
          [...all.map((event) => event.position)].sort((a, b) => (a < b ? -1 : 1)),
        );
        const afterFifth = await collect(
          store.readAll({
            after: all[4]!.position,
            filter: { streamPrefixes: [prefix] },
            batchSize: 3,
          }),
        );
        expect(afterFifth.map((event) => event.id)).toEqual(all.slice(5).map((event) => event.id));
        const deleted = await collect(
          store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['PortDeleted'] } }),
        );
        expect(deleted.map((event) => event.stream)).toEqual(Array(4).fill(`${prefix}b`));
      });

      it('treats LIKE wildcards in a prefix as plain characters', async () => {
        const prefix = uniquePrefix('wild');
        await store.append(`${prefix}a_1`, newEvents(1), 'no-stream');
        await store.append(`${prefix}ab1`, newEvents(1), 'no-stream');
        expect(await readAllIds(store, { streamPrefixes: [`${prefix}a_`] })).toHaveLength(1);
      });
    });

    describe('subscriptions', () => {
      it('delivers every event of 8 concurrent writers exactly once, in the order of readAll', async () => {
        const prefix = uniquePrefix('load');
        const filter = { streamPrefixes: [prefix] };
        const subscription = store.subscribeToAll({ from: 'start', filter, batchSize: 50 });
        const writers = 8;
        const appendsPerWriter = 40;
        const countOf = (round: number): number => 1 + (round % 3);
        const perWriter = Array.from({ length: appendsPerWriter }, (_, round) => countOf(round));
        const expectedCount = writers * perWriter.reduce((sum, count) => sum + count, 0);
        const writer = async (index: number): Promise<void> => {
          const revisions = new Map<string, number>();
          for (let round = 0; round < appendsPerWriter; round += 1) {
            const stream = `${prefix}w${index}-s${round % 5}`;
            const result = await store.append(
              stream,
              newEvents(countOf(round)),
              revisions.get(stream) ?? 'no-stream',
            );
            revisions.set(stream, result.streamRevision);
          }
        };
        const received = take(subscription, expectedCount, 60_000);
        await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
        const seen = await received;

        expect(seen).toHaveLength(expectedCount);
        const ids = seen.map((event) => event.id);
        expect(new Set(ids).size).toBe(expectedCount);
        expect(ids).toEqual(await readAllIds(store, filter));
      });

      it('starts at the end when asked, and sees only new events', async () => {
        const prefix = uniquePrefix('end');
        await store.append(`${prefix}1`, newEvents(3), 'no-stream');
        const subscription = store.subscribeToAll({
          from: 'end',
          filter: { streamPrefixes: [prefix] },
        });
        const received = take(subscription, 2);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const fresh = newEvents(2);
        await store.append(`${prefix}1`, fresh, 2);
        expect((await received).map((event) => event.id)).toEqual(fresh.map((event) => event.id));
      });

      it('resumes a stopped named subscriber from its checkpoint without loss or duplicate', async () => {
        const prefix = uniquePrefix('resume');
        const filter = { streamPrefixes: [prefix] };
        const name = `${prefix}projection`;
        const seen: string[] = [];
        const writing = (async () => {
          for (let round = 0; round < 30; round += 1) {
            await store.append(`${prefix}s${round % 4}`, newEvents(2), 'any');
          }
        })();
        const first = startCheckpointedSubscription(store, {
          name,
          filter,
          handle: (event) => {
            seen.push(event.id);
          },
        });
        await waitFor(() => seen.length >= 15);
        await first.stop();
        const stoppedAt = seen.length;
        await writing;
        expect(stoppedAt).toBeLessThan(60);

        const second = startCheckpointedSubscription(store, {
          name,
          filter,
          handle: (event) => {
            seen.push(event.id);
          },
        });
        await waitFor(() => seen.length >= 60);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await second.stop();

        expect(seen).toEqual(await readAllIds(store, filter));
        expect(new Set(seen).size).toBe(60);
        expect(await store.checkpoints.load(name)).toBeDefined();
      });

      it('keeps named checkpoints', async () => {
        const name = `${uniquePrefix('checkpoint')}x`;
        expect(await store.checkpoints.load(name)).toBeUndefined();
        await store.checkpoints.save(name, 42n);
        await store.checkpoints.save(name, 4242n);
        expect(await store.checkpoints.load(name)).toBe(4242n);
      });
    });
  });
}
