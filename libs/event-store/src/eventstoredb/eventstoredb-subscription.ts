import type { EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent } from '../envelope';
import type { EventFilter, EventSubscription } from '../event-store.port';
import { endPosition, toReadPosition } from './all-positions';
import { toServerFilter } from './server-filter';
import { SubscriptionFeed } from './subscription-feed';

export interface EventStoreDbSubscriptionOptions {
  readonly client: EventStoreDBClient;
  readonly from: 'start' | 'end' | bigint;
  readonly filter: EventFilter | undefined;
  readonly batchSize: number;
  readonly onClose: (subscription: EventStoreDbSubscription) => void;
}

/**
 * Catch-up then live over EventStoreDB's own subscription to $all (it switches from reading to live
 * pushing by itself). Like the PostgreSQL subscription, it ends for good when an iteration ends or
 * close() is called. A subscription the server drops (connection lost) ends the iteration with the error;
 * the caller resubscribes from its last position, as the checkpointed subscriber does.
 */
export class EventStoreDbSubscription implements EventSubscription {
  private readonly start: Promise<bigint>;
  private readonly feeds = new Set<SubscriptionFeed>();
  private closed = false;

  constructor(private readonly options: EventStoreDbSubscriptionOptions) {
    const { from, client } = options;
    // 'end' is looked up when subscribeToAll is called, not at the first next(), and then used as a fixed
    // position: an append made once that lookup is done is delivered, however late iteration starts.
    this.start =
      from === 'end' ? endPosition(client) : Promise.resolve(from === 'start' ? 0n : from);
    // The iterator reports a failure; until then it must not count as unhandled.
    this.start.catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    try {
      const after = await this.start;
      if (this.closed) return;
      const { client, filter, batchSize } = this.options;
      const source = client.subscribeToAll(
        { fromPosition: toReadPosition(after), filter: toServerFilter(filter) },
        { highWaterMark: batchSize },
      );
      const feed = new SubscriptionFeed(source, { after, filter, batchSize });
      this.feeds.add(feed);
      yield* feed.events();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const feeds = [...this.feeds];
    this.feeds.clear();
    await Promise.all(feeds.map((feed) => feed.close()));
    this.options.onClose(this);
  }
}
