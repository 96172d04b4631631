import {
  matchesFilter,
  type EventSubscription,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@loom/event-store';
import type { EventLogReader } from '../event-feed-membership';

/**
 * An event log in memory with the reads the event feed uses: catch-up then live subscriptions
 * (woken by each append) and readAll. Positions go 10, 20, 30...: increasing, not dense. Counts the
 * subscriptions and reads it serves, and can make its live subscriptions fail.
 */
export class InMemoryLog implements EventLogReader {
  readonly events: RecordedEvent[] = [];
  subscriptions = 0;
  /** Batches read by subscriptions: one per wake-up, as the PostgreSQL store's polls. */
  subscriptionReads = 0;
  readAlls = 0;
  private wakers = new Set<() => void>();
  private failure: Error | undefined;

  append(stream: string, type = 'Happened'): RecordedEvent {
    const event: RecordedEvent = {
      id: `e${this.events.length + 1}`,
      stream,
      revision: this.events.filter((e) => e.stream === stream).length,
      position: BigInt(this.events.length + 1) * 10n,
      type,
      schemaVersion: 1,
      data: {},
      metadata: { occurredAt: new Date(0).toISOString() },
      recordedAt: new Date(0),
    };
    this.events.push(event);
    this.wake();
    return event;
  }

  /** The live subscriptions throw this at their next read. */
  fail(error: Error): void {
    this.failure = error;
    this.wake();
  }

  heal(): void {
    this.failure = undefined;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    this.readAlls += 1;
    const after = options.after ?? 0n;
    const events = this.events.filter(
      (e) => e.position > after && matchesFilter(e, options.filter),
    );
    for (const event of events) {
      await Promise.resolve();
      yield event;
    }
  }

  subscribeToAll(options: SubscribeOptions): EventSubscription {
    this.subscriptions += 1;
    return new InMemorySubscription(this, options);
  }

  /** The next events after `after` for a subscription: one read. */
  read(after: bigint, options: SubscribeOptions): RecordedEvent[] {
    if (this.failure) throw this.failure;
    this.subscriptionReads += 1;
    return this.events
      .filter((e) => e.position > after && matchesFilter(e, options.filter))
      .slice(0, options.batchSize ?? 500);
  }

  /** Resolves at the next append once the log holds more than `seen` events (or at once). */
  appended(seen: number, abort: AbortSignal): Promise<void> {
    if (seen !== this.events.length || this.failure || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakers.add(resolve);
      abort.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
    });
  }

  start(from: SubscribeOptions['from']): bigint {
    if (from === 'start') return 0n;
    return from === 'end' ? (this.events.at(-1)?.position ?? 0n) : from;
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
  }
}

/** Catch-up, then live: reads batches, then waits for an append, until closed. */
class InMemorySubscription implements EventSubscription {
  private readonly abort = new AbortController();

  constructor(
    private readonly log: InMemoryLog,
    private readonly options: SubscribeOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    let after = this.log.start(this.options.from);
    while (!this.isClosed()) {
      // Appends while the batch is handed out wake the wait below at once, as in the store.
      const seen = this.log.events.length;
      const batch = this.log.read(after, this.options);
      for (const event of batch) {
        if (this.isClosed()) return;
        after = event.position;
        yield event;
      }
      if (batch.length < (this.options.batchSize ?? 500)) {
        await this.log.appended(seen, this.abort.signal);
      }
    }
  }

  close(): Promise<void> {
    this.abort.abort();
    return Promise.resolve();
  }

  private isClosed(): boolean {
    return this.abort.signal.aborted;
  }
}
