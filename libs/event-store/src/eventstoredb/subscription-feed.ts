import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { RecordedEvent } from '../envelope';
import { matchesFilter } from '../event-filter';
import type { EventFilter } from '../event-store.port';
import { isHiddenEvent } from './hidden-events';
import { decodeRecord } from './recorded-event-mapping';

export interface SubscriptionFeedOptions {
  /** Events at or before this position are not delivered. */
  readonly after: bigint;
  readonly filter: EventFilter | undefined;
  readonly batchSize: number;
}

/**
 * One gRPC subscription to $all turned into a pull iterator. Events wait in a buffer of at most
 * `batchSize` (the source is paused while it is full). The iterator does not rely on the Readable ending:
 * cancelling a gRPC call does not reliably end it, and close() must stop a waiting consumer at once.
 */
export class SubscriptionFeed {
  private readonly buffer: RecordedEvent[] = [];
  private after: bigint;
  private wake: (() => void) | undefined;
  private failure: { readonly error: unknown } | undefined;
  private ended = false;
  private closed = false;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly options: SubscriptionFeedOptions,
  ) {
    this.after = options.after;
    source.on('data', (resolved: AllStreamResolvedEvent) => {
      this.accept(resolved);
    });
    // Stays attached after close: an 'error' event without a listener would crash the process.
    source.on('error', (error: Error) => {
      this.fail(error);
    });
    const finish = (): void => {
      this.finish();
    };
    source.on('end', finish);
    source.on('close', finish);
  }

  async *events(): AsyncGenerator<RecordedEvent> {
    try {
      for (;;) {
        if (this.closed) return;
        const next = this.buffer.shift();
        if (next) {
          if (this.buffer.length < this.options.batchSize) this.source.resume();
          yield next;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.notify();
    try {
      await this.source.unsubscribe();
    } catch {
      // The call never started (no connection): there is nothing to cancel.
    }
    this.source.destroy();
  }

  private accept(resolved: AllStreamResolvedEvent): void {
    if (this.closed || !resolved.event || isHiddenEvent(resolved.event)) return;
    try {
      const { event } = decodeRecord(resolved);
      // Subscribing from a position may or may not include that position's event: drop it either way.
      if (event.position <= this.after || !matchesFilter(event, this.options.filter)) return;
      this.after = event.position;
      this.buffer.push(event);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.buffer.length >= this.options.batchSize) this.source.pause();
    this.notify();
  }

  private fail(error: unknown): void {
    if (this.closed || this.failure) return;
    this.failure = { error };
    this.notify();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
