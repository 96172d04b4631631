import type { EventFilter, EventSubscription, RecordedEvent } from '@loom/event-store';
import type { EventLogReader, FeedMember, FeedMembership } from './event-feed-membership';
import { isAfter, type LogPosition } from './log-position';

export interface FeedSubscriptionOptions {
  readonly from: LogPosition;
  readonly filter: EventFilter | undefined;
  readonly batchSize: number;
  readonly maxQueued: number;
}

interface Taker {
  readonly resolve: (event: RecordedEvent | undefined) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One projection's subscription through the shared feed: it reads on its own up to the head of
 * the log, joins the feed, reads on its own what lies between its position and the feed's, then
 * takes the events the feed queued for it. Dropped by the feed, it finishes its queue and starts
 * over from its last event. As a safeguard, it never hands out an event at or before the last one.
 */
export class FeedSubscription implements EventSubscription, FeedMember {
  private readonly queue: RecordedEvent[] = [];
  private taker: Taker | undefined;
  private roomWaiter: (() => void) | undefined;
  private joined = false;
  private closed = false;
  private failure: Error | undefined;
  /** Reading on its own up to the feed's position: the feed does not wait for it. */
  catchingUp = false;

  constructor(
    private readonly feed: FeedMembership,
    private readonly store: EventLogReader,
    private readonly options: FeedSubscriptionOptions,
  ) {}

  get filter(): EventFilter | undefined {
    return this.options.filter;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    let last = this.options.from;
    try {
      while (!this.isClosed()) {
        for await (const event of this.readOnItsOwn(last)) {
          if (this.isClosed()) return;
          last = event.position;
          yield event;
        }
        // Closed while reading, it must not join: the feed would read for nobody.
        if (this.isClosed()) return;
        this.joined = true;
        const { catchUpTo } = this.feed.join(this, last);
        if (catchUpTo !== undefined) {
          this.catchingUp = true;
          for await (const event of this.readOnItsOwn(last)) {
            if (this.isClosed()) return;
            if (event.position > catchUpTo) break;
            last = event.position;
            yield event;
          }
          this.catchingUp = false;
        }
        for (let event = await this.take(); event !== undefined; event = await this.take()) {
          if (!isAfter(event.position, last)) continue;
          last = event.position;
          yield event;
        }
      }
    } finally {
      await this.close();
    }
  }

  /** The events of its filter after `after`, up to the head of the log. */
  private readOnItsOwn(after: LogPosition): AsyncIterable<RecordedEvent> {
    const { filter, batchSize } = this.options;
    return this.store.readAll({ after: after ?? 0n, batchSize, ...(filter ? { filter } : {}) });
  }

  private isClosed(): boolean {
    return this.closed;
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.feed.leave(this);
      this.wake();
    }
    return Promise.resolve();
  }

  /** The feed hands out an event of this subscription's filter. */
  push(event: RecordedEvent): void {
    if (this.closed) return;
    const taker = this.taker;
    this.taker = undefined;
    if (taker) taker.resolve(event);
    else this.queue.push(event);
  }

  full(): boolean {
    return this.queue.length >= this.options.maxQueued;
  }

  /** Resolves true once the queue has room again, false after `timeoutMs` or when dropped. */
  room(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.roomWaiter = undefined;
        resolve(false);
      }, timeoutMs);
      this.roomWaiter = () => {
        clearTimeout(timer);
        resolve(!this.full() && this.joined);
      };
    });
  }

  /** The feed left this subscription behind: it takes what is queued, then joins again. */
  dropped(): void {
    this.joined = false;
    this.catchingUp = false;
    this.wake();
  }

  failed(error: unknown): void {
    this.joined = false;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.wake();
  }

  /** The next queued event; undefined once the queue is empty and the feed dropped it, or closed. */
  private take(): Promise<RecordedEvent | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const event = this.queue.shift();
    if (event !== undefined) {
      if (!this.full()) this.notifyRoom();
      return Promise.resolve(event);
    }
    if (!this.joined || this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.taker = { resolve, reject };
    });
  }

  private wake(): void {
    const taker = this.taker;
    this.taker = undefined;
    if (taker) {
      if (this.failure) taker.reject(this.failure);
      else taker.resolve(undefined);
    }
    this.notifyRoom();
  }

  private notifyRoom(): void {
    const waiter = this.roomWaiter;
    this.roomWaiter = undefined;
    waiter?.();
  }
}
