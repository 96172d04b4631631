import type { Pool } from 'pg';
import type { EventFilter, EventSubscription, RecordedEvent } from '@loom/event-store';
import {
  EventFeed,
  readEventLogHorizon,
  type EventLogReader,
  type LogPosition,
} from '@loom/projections';

export interface WatchFeedOptions {
  /** Events read per round trip, by the feed and by a watcher catching up on its own. */
  readonly batchSize: number;
  /** Events queued for one watcher: what a watcher that stops reading costs the engine at most. */
  readonly maxQueued: number;
  /** How long the feed waits for a watcher whose queue is full before it leaves it behind. */
  readonly stallMs: number;
}

export const watchFeedDefaults: WatchFeedOptions = { batchSize: 500, maxQueued: 256, stallMs: 50 };

/**
 * One reading of the event log shared by every Watch stream of the engine, as the projections
 * share theirs (`EventFeed`): an append wakes one read, not one per watcher, and each watcher
 * receives the events of its own filter (its tenant's streams), in the global order, once each.
 *
 * A watcher that stops reading holds at most `maxQueued` events; the feed waits `stallMs` for it,
 * then leaves it behind, so it slows the others once, briefly. When it reads again it reads the
 * log on its own from its last event up to the head, then joins again: it misses nothing.
 */
export class WatchFeed {
  private readonly feed: EventFeed;
  private open = 0;
  private sharedStart: Promise<LogPosition> | undefined;

  constructor(
    store: EventLogReader,
    private readonly pool: Pick<Pool, 'query'>,
    options: WatchFeedOptions = watchFeedDefaults,
  ) {
    this.feed = new EventFeed({ store, filter: undefined, ...options });
  }

  /**
   * The events of `filter` committed from now on (and perhaps some committed just before, not yet
   * handed out), until the subscription is closed.
   */
  async follow(filter: EventFilter): Promise<EventSubscription> {
    this.open += 1;
    let subscription: EventSubscription;
    try {
      subscription = this.feed.subscribe(await this.startPosition(), filter);
    } catch (error) {
      this.left();
      throw error;
    }
    let closed = false;
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<RecordedEvent> =>
        subscription[Symbol.asyncIterator](),
      close: async (): Promise<void> => {
        if (!closed) {
          closed = true;
          this.left();
        }
        await subscription.close();
      },
    };
  }

  /** Waits for the feed's reading to end once every watcher is gone. */
  stopped(): Promise<void> {
    return this.feed.stopped();
  }

  /**
   * Where the feed reads, when it does: every position up to it is final, so nothing committed
   * from now on lies before it, and a watcher starting there joins without making it start over.
   * Else just under the horizon, shared by the watchers that arrive before the feed reads (one
   * ahead of the others would make it start over and leave them behind).
   */
  private startPosition(): Promise<LogPosition> {
    const reading = this.feed.readingAt();
    if (reading !== undefined) return Promise.resolve(reading.position);
    const start = (this.sharedStart ??= readEventLogHorizon(this.pool));
    start.catch(() => {
      if (this.sharedStart === start) this.sharedStart = undefined;
    });
    return start;
  }

  private left(): void {
    this.open -= 1;
    // Gone with the last watcher: a later one starts from the horizon of its own time.
    if (this.open === 0) this.sharedStart = undefined;
  }
}
