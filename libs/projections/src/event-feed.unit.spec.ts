import type { EventFilter, EventSubscription, RecordedEvent } from '@loom/event-store';
import { EventFeed } from './event-feed';
import { filterUnion } from './filter-union';
import type { LogPosition } from './log-position';
import { InMemoryLog } from './testing/in-memory-log';

const onlyA: EventFilter = { streamPrefixes: ['a-'] };
const onlyB: EventFilter = { streamPrefixes: ['b-'] };

/** Pulls events from a subscription as a projection worker does, one next() at a time. */
class Reader {
  readonly received: RecordedEvent[] = [];
  private readonly iterator: AsyncIterator<RecordedEvent>;

  constructor(readonly subscription: EventSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** One next(), as a projection's batcher asks for the next event. */
  next(): Promise<IteratorResult<RecordedEvent>> {
    return this.iterator.next();
  }

  async take(count: number, timeoutMs = 2_000): Promise<RecordedEvent[]> {
    const taken: RecordedEvent[] = [];
    while (taken.length < count) {
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        this.iterator.next(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`timed out after ${taken.length} of ${count} events`));
          }, timeoutMs);
        }),
      ]).finally(() => {
        clearTimeout(timer);
      });
      if (result.done === true) throw new Error('the subscription ended');
      taken.push(result.value);
    }
    this.received.push(...taken);
    return taken;
  }
}

const positions = (events: readonly RecordedEvent[]): bigint[] => events.map((e) => e.position);
const expected = (log: InMemoryLog, filter: EventFilter, after?: bigint) =>
  positions(
    log.events.filter(
      (e) =>
        (after === undefined || e.position > after) &&
        (filter.streamPrefixes ?? []).some((prefix) => e.stream.startsWith(prefix)),
    ),
  );

describe('EventFeed', () => {
  let log: InMemoryLog;
  let feed: EventFeed;
  const subscriptions: EventSubscription[] = [];
  const subscribe = (from: LogPosition, filter: EventFilter): Reader => {
    const subscription = feed.subscribe(from, filter);
    subscriptions.push(subscription);
    return new Reader(subscription);
  };
  const appendMany = (count: number): void => {
    for (let index = 0; index < count; index += 1) log.append(index % 3 === 0 ? 'b-1' : 'a-1');
  };

  beforeEach(() => {
    log = new InMemoryLog();
    feed = new EventFeed({
      store: log,
      filter: filterUnion([onlyA, onlyB]),
      batchSize: 4,
      maxQueued: 3,
      stallMs: 100,
    });
  });
  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
    await feed.stopped();
  });

  it('hands each subscriber the events of its filter from one reading of the log, woken once per append', async () => {
    const a = subscribe(undefined, onlyA);
    const b = subscribe(undefined, onlyB);
    const first = Promise.all([a.take(1), b.take(1)]);
    log.append('a-1');
    log.append('b-1');
    await first;
    const readsBefore = log.subscriptionReads;
    for (let round = 0; round < 5; round += 1) {
      const next = Promise.all([a.take(1), b.take(1)]);
      log.append('a-1');
      log.append('b-2');
      log.append('c-1');
      await next;
    }
    expect(positions(a.received)).toEqual(expected(log, onlyA));
    expect(positions(b.received)).toEqual(expected(log, onlyB));
    expect(log.subscriptions).toBe(1);
    // Each read on its own once, up to the head, before joining.
    expect(log.readAlls).toBe(2);
    // One read per wake-up of the one subscription, not one per subscriber.
    expect(log.subscriptionReads - readsBefore).toBeLessThanOrEqual(5 * 3);
  });

  it('lets a subscriber read on its own up to the head, then go on from the feed', async () => {
    const a = subscribe(undefined, onlyA);
    appendMany(12);
    await a.take(expected(log, onlyA).length);
    const from = log.events[4]!.position;
    const late = subscribe(from, onlyA);
    await late.take(expected(log, onlyA, from).length);
    expect(log.readAlls).toBe(2);
    const lateTakes = late.take(4);
    const aTakes = a.take(4);
    appendMany(6);
    await Promise.all([lateTakes, aTakes]);
    expect(positions(late.received)).toEqual(expected(log, onlyA, from));
    expect(positions(a.received)).toEqual(expected(log, onlyA));
    expect(log.readAlls).toBe(2);
    expect(log.subscriptions).toBe(1);
  });

  it('tells where it reads, so that a subscriber starting there joins without a restart', async () => {
    expect(feed.readingAt()).toBeUndefined();
    const a = subscribe(undefined, onlyA);
    const first = a.take(1);
    log.append('a-1');
    await first;
    appendMany(3);
    await a.take(expected(log, onlyA).length - 1);
    const at = feed.readingAt();
    expect(at?.position).toBe(log.events.at(-1)!.position);
    const subscriptionsBefore = log.subscriptions;
    const late = subscribe(at!.position, onlyA);
    const next = Promise.all([late.take(1), a.take(1)]);
    log.append('a-2');
    await next;
    expect(positions(late.received)).toEqual([log.events.at(-1)!.position]);
    expect(log.subscriptions).toBe(subscriptionsBefore);
  });

  it('starts over from a subscriber that joins ahead of it; the one it dropped misses nothing', async () => {
    const held = subscribe(undefined, onlyA);
    const joined = held.take(1);
    log.append('a-1');
    await joined;
    // `held` takes no more: its queue fills up and the feed waits for it, behind the head...
    appendMany(15);
    // ...when another subscriber joins, having read up to the head on its own.
    const ahead = subscribe(undefined, onlyA);
    await ahead.take(expected(log, onlyA).length);
    appendMany(3);
    await ahead.take(expected(log, onlyA).length - ahead.received.length);
    expect(log.subscriptions).toBe(2);
    await held.take(expected(log, onlyA).length - held.received.length);
    expect(positions(ahead.received)).toEqual(expected(log, onlyA));
    expect(positions(held.received)).toEqual(expected(log, onlyA));
  });

  it('waits for a full subscriber, drops it after stallMs, and the dropped one catches up on its own', async () => {
    const slow = subscribe(undefined, onlyA);
    const fast = subscribe(undefined, onlyA);
    const joined = Promise.all([slow.take(1), fast.take(1)]);
    log.append('a-1');
    await joined;
    const startedAt = Date.now();
    appendMany(15);
    // The slow one takes nothing: its queue fills up, the feed waits, then goes on without it.
    await fast.take(expected(log, onlyA).length - 1);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    await slow.take(expected(log, onlyA).length - 1);
    expect(positions(slow.received)).toEqual(expected(log, onlyA));
    expect(positions(fast.received)).toEqual(expected(log, onlyA));
    expect(log.readAlls).toBeGreaterThanOrEqual(1);
  });

  it('never starts reading for a subscription closed while it read on its own', async () => {
    appendMany(6);
    const reader = subscribe(undefined, onlyA);
    // Suspended on the last event it read on its own, as a worker applying its batch...
    await reader.take(expected(log, onlyA).length);
    await reader.subscription.close();
    // ...whose batcher had asked for the next event before the worker stopped.
    await expect(reader.next()).resolves.toEqual({ done: true, value: undefined });
    expect(log.subscriptions).toBe(0);
  });

  it('fails every subscriber when its reading fails; they can subscribe again', async () => {
    const a = subscribe(undefined, onlyA);
    const b = subscribe(undefined, onlyB);
    appendMany(3);
    await a.take(2);
    const failing = Promise.all(
      [a.take(1), b.take(2)].map((take) => take.catch((e: unknown) => e)),
    );
    log.fail(new Error('connection lost'));
    for (const error of await failing) expect(error).toEqual(new Error('connection lost'));

    log.heal();
    const again = subscribe(a.received.at(-1)!.position, onlyA);
    appendMany(3);
    await again.take(2);
    expect(positions([...a.received, ...again.received])).toEqual(expected(log, onlyA));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'hands every subscriber each event of its filter once, in order, however they join and pause (walk %i)',
    async (walk) => {
      // A deterministic random walk: appends, joins at random positions, pauses, reads in bursts.
      feed = new EventFeed({
        store: log,
        filter: filterUnion([onlyA, onlyB]),
        batchSize: 4,
        maxQueued: 3,
        stallMs: 5,
      });
      let seed = walk;
      const random = (below: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % below;
      };
      const filters = [onlyA, onlyB, { streamPrefixes: ['a-', 'b-'] }];
      const readers: { reader: Reader; from: LogPosition; filter: EventFilter }[] = [];
      for (let step = 0; step < 60; step += 1) {
        appendMany(1 + random(4));
        if (readers.length < 6 && random(4) === 0) {
          const from =
            random(2) === 0 ? undefined : log.events[random(log.events.length)]!.position;
          const filter = filters[random(filters.length)]!;
          readers.push({ reader: subscribe(from, filter), from, filter });
        }
        const { reader, from, filter } = readers[random(Math.max(1, readers.length))] ?? {};
        if (reader && filter) {
          const due = expected(log, filter, from).length - reader.received.length;
          if (due > 0) await reader.take(1 + random(due));
        }
      }
      for (const { reader, from, filter } of readers) {
        await reader.take(expected(log, filter, from).length - reader.received.length);
        expect(positions(reader.received)).toEqual(expected(log, filter, from));
      }
    },
  );
});
