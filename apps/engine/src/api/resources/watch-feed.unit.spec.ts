import type { Pool } from 'pg';
import type { EventFilter, EventSubscription, RecordedEvent } from '@loom/event-store';
import { InMemoryLog } from '@loom/projections/testing';
import { WatchFeed } from './watch-feed';

const tenantA: EventFilter = { streamPrefixes: ['a-'] };
const tenantB: EventFilter = { streamPrefixes: ['b-'] };

/** Pulls a watcher's events one next() at a time, as the Watch controller does. */
class Watcher {
  readonly received: bigint[] = [];
  private readonly iterator: AsyncIterator<RecordedEvent>;

  constructor(readonly subscription: EventSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  async take(count: number, timeoutMs = 2_000): Promise<void> {
    for (let taken = 0; taken < count; taken += 1) {
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        this.iterator.next(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`timed out after ${taken} of ${count} events`));
          }, timeoutMs);
        }),
      ]).finally(() => {
        clearTimeout(timer);
      });
      if (result.done === true) throw new Error('the subscription ended');
      this.received.push(result.value.position);
    }
  }
}

describe('WatchFeed', () => {
  let log: InMemoryLog;
  let horizonReads: number;
  let feed: WatchFeed;
  const watchers: Watcher[] = [];
  const follow = async (filter: EventFilter): Promise<Watcher> => {
    const watcher = new Watcher(await feed.follow(filter));
    watchers.push(watcher);
    return watcher;
  };
  const positionsOf = (prefix: string, after = 0n): bigint[] =>
    log.events
      .filter((e) => e.stream.startsWith(prefix) && e.position > after)
      .map((e) => e.position);

  beforeEach(() => {
    log = new InMemoryLog();
    log.append('a-before');
    horizonReads = 0;
    const pool = {
      query: () => {
        horizonReads += 1;
        return Promise.resolve({ rows: [{ horizon: String(log.events.at(-1)?.position ?? 0n) }] });
      },
    } as unknown as Pick<Pool, 'query'>;
    feed = new WatchFeed(log, pool, { batchSize: 4, maxQueued: 3, stallMs: 200 });
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.subscription.close()));
    await feed.stopped();
  });

  it('follows the log once for every watcher; each receives its own tenant’s changes from now on, in order, once', async () => {
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, index) => follow(index % 2 === 0 ? tenantA : tenantB)),
    );
    // Arrived together before the feed read: one start between them.
    expect(horizonReads).toBe(1);
    const first = Promise.all(all.map((watcher) => watcher.take(1)));
    log.append('a-1');
    log.append('b-1');
    await first;
    const readsBefore = log.subscriptionReads;
    for (let round = 0; round < 10; round += 1) {
      const next = Promise.all(all.map((watcher) => watcher.take(1)));
      log.append('a-1');
      log.append('b-1');
      log.append('c-other');
      await next;
    }
    all.forEach((watcher, index) => {
      expect(watcher.received).toEqual(positionsOf(index % 2 === 0 ? 'a-' : 'b-', 10n));
    });
    expect(log.subscriptions).toBe(1);
    // One read per wake-up of the one subscription, not one per watcher.
    expect(log.subscriptionReads - readsBefore).toBeLessThanOrEqual(10 * 3);

    // A watcher arriving while the feed reads starts where it reads: no query, no new reading.
    const late = await follow(tenantB);
    const lateTakes = late.take(1);
    log.append('b-2');
    await lateTakes;
    expect(late.received).toEqual([log.events.at(-1)!.position]);
    expect(horizonReads).toBe(1);
    expect(log.subscriptions).toBe(1);
  });

  it('leaves a watcher that stops reading behind after stallMs; the others go on, and it resumes with every later change once, in order', async () => {
    const stalled = await follow(tenantA);
    const reader = await follow(tenantA);
    const joined = Promise.all([stalled.take(1), reader.take(1)]);
    log.append('a-1');
    await joined;
    const started = Date.now();
    for (let change = 0; change < 30; change += 1) {
      const next = reader.take(1);
      log.append('a-1');
      await next;
    }
    // Held back once, for stallMs, when the stalled watcher's queue (3) filled: 27 times over,
    // 5.4 s, had it not been left behind.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(reader.received).toEqual(positionsOf('a-', 10n));
    await stalled.take(30);
    expect(stalled.received).toEqual(positionsOf('a-', 10n));
    const both = Promise.all([stalled.take(1), reader.take(1)]);
    log.append('a-2');
    await both;
    expect(stalled.received).toEqual(reader.received);
  });

  it('starts from the horizon of its own time once every watcher is gone', async () => {
    const first = await follow(tenantA);
    await first.subscription.close();
    watchers.splice(0);
    await feed.stopped();
    log.append('a-between');
    const next = await follow(tenantA);
    const taken = next.take(1);
    log.append('a-after');
    await taken;
    expect(horizonReads).toBe(2);
    expect(next.received).toEqual([log.events.at(-1)!.position]);
  });
});
