import {
  matchesFilter,
  type EventFilter,
  type EventSubscription,
  type RecordedEvent,
} from '@loom/event-store';
import type { EventLogReader, FeedMember, FeedMembership, Joined } from './event-feed-membership';
import { FeedSubscription } from './event-feed-subscription';
import { isAfter, type LogPosition } from './log-position';

export interface EventFeedOptions {
  readonly store: EventLogReader;
  /** At least every event a subscriber's filter lets through: what the feed reads. */
  readonly filter: EventFilter | undefined;
  /** Events read per round trip, by the feed and by subscribers catching up. */
  readonly batchSize: number;
  /** Events queued for a subscriber beyond which the feed waits for it to take some. */
  readonly maxQueued: number;
  /** How long the feed waits for a full subscriber before it drops it (it then reads on its own). */
  readonly stallMs: number;
}

interface Reading {
  readonly subscription: EventSubscription;
}

/**
 * One subscription to the event log shared by the projections of a runner: an append wakes one
 * read, not one per projection, and each subscriber receives from it the events of its own filter
 * (which the feed's filter must let through).
 *
 * A subscriber reads on its own (`readAll`) until it has reached the head of the log, so that a
 * rebuild goes at its own pace, then joins the feed. The feed follows the most advanced subscriber:
 * it starts reading from the position of the first, and starts over from that of one that joins
 * ahead of it (dropping the others). One that joins behind it reads the events up to the feed's
 * position on its own while the feed queues the later ones for it. A subscriber whose queue is full
 * holds the feed back for at most `stallMs`; then, or at once while it catches up, it is dropped. A
 * dropped subscriber takes what was queued for it, reads on its own up to the head and joins again.
 * A failing projection closes its subscription, so it never holds the others back. When the feed's
 * own subscription fails, every subscriber fails with it (the runner resubscribes each from its
 * checkpoint).
 */
export class EventFeed implements FeedMembership {
  private readonly subscribers = new Set<FeedMember>();
  private reading: Reading | undefined;
  /** Every event of the feed's filter up to here was handed out, or is before where it started. */
  private position: LogPosition;
  private readonly pumps = new Set<Promise<void>>();

  constructor(private readonly options: EventFeedOptions) {}

  /** The events of `filter` after `from` (undefined: from the start), in the global order. */
  subscribe(from: LogPosition, filter: EventFilter | undefined): EventSubscription {
    return new FeedSubscription(this, this.options.store, {
      from,
      filter,
      batchSize: this.options.batchSize,
      maxQueued: this.options.maxQueued,
    });
  }

  /**
   * Where the feed is reading, if it is: a subscriber that starts there joins without making it
   * start over, and misses no event committed from now on (every position up to it is final).
   */
  readingAt(): { readonly position: LogPosition } | undefined {
    return this.reading === undefined ? undefined : { position: this.position };
  }

  /** Waits for the feed's reading to end once every subscription is closed. */
  async stopped(): Promise<void> {
    await Promise.all([...this.pumps]);
  }

  join(subscriber: FeedMember, position: LogPosition): Joined {
    if (this.reading === undefined || isAfter(position, this.position)) {
      // Behind a subscriber, the feed may be far behind the head: it starts over from there.
      for (const behind of this.subscribers) this.drop(behind);
      this.stopReading();
      this.startReading(position);
    }
    this.subscribers.add(subscriber);
    return { catchUpTo: isAfter(this.position, position) ? this.position : undefined };
  }

  leave(subscriber: FeedMember): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stopReading();
  }

  private drop(subscriber: FeedMember): void {
    this.subscribers.delete(subscriber);
    subscriber.dropped();
  }

  private startReading(from: LogPosition): void {
    const { store, batchSize, filter } = this.options;
    const reading: Reading = {
      subscription: store.subscribeToAll({
        from: from ?? 'start',
        batchSize,
        ...(filter ? { filter } : {}),
      }),
    };
    this.reading = reading;
    this.position = from;
    const pump = this.pump(reading).finally(() => this.pumps.delete(pump));
    this.pumps.add(pump);
  }

  private stopReading(): void {
    const reading = this.reading;
    this.reading = undefined;
    // Ends its pump's iteration; what it would still hand out nobody is waiting for.
    void reading?.subscription.close();
  }

  private async pump(reading: Reading): Promise<void> {
    try {
      for await (const event of reading.subscription) {
        if (this.reading !== reading) return;
        this.position = event.position;
        await this.handOut(event, reading);
        if (this.reading !== reading) return;
      }
      if (this.reading === reading) throw new Error('the event feed ended');
    } catch (error) {
      if (this.reading !== reading) return;
      this.reading = undefined;
      for (const subscriber of this.subscribers) subscriber.failed(error);
      this.subscribers.clear();
    }
  }

  private async handOut(event: RecordedEvent, reading: Reading): Promise<void> {
    for (const subscriber of [...this.subscribers]) {
      if (!this.subscribers.has(subscriber) || !matchesFilter(event, subscriber.filter)) continue;
      subscriber.push(event);
      if (!subscriber.full()) continue;
      if (subscriber.catchingUp || !(await subscriber.room(this.options.stallMs))) {
        if (this.reading === reading && this.subscribers.has(subscriber)) this.drop(subscriber);
      }
      if (this.reading !== reading) return;
    }
  }
}
