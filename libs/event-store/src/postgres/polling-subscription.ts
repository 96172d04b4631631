import type { Pool } from 'pg';
import type { RecordedEvent } from '../envelope';
import type { EventFilter, EventSubscription } from '../event-store.port';
import type { AppendSignal } from '../subscriptions/append-signal';
import { nextAfter, readHorizonBatch } from './horizon-batch';

export interface PollingSubscriptionOptions {
  readonly pool: Pool;
  readonly from: 'start' | 'end' | bigint;
  readonly filter: EventFilter | undefined;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly appendSignal: AppendSignal;
  readonly onClose: (subscription: PollingSubscription) => void;
}

/**
 * Catch-up then live, by reading batches below the horizon. Appends in this process wake it at
 * once; appends from other processes are seen at the next poll.
 */
export class PollingSubscription implements EventSubscription {
  private readonly abort = new AbortController();

  constructor(private readonly options: PollingSubscriptionOptions) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent> {
    const { pool, filter, batchSize, pollIntervalMs, appendSignal } = this.options;
    let after = await this.startPosition();
    try {
      while (!this.isClosed()) {
        // Appends during the read may lie beyond what it saw: they wake the wait below at once.
        const seen = appendSignal.count;
        const batch = await readHorizonBatch(pool, after, batchSize, filter);
        for (const event of batch.events) {
          if (this.isClosed()) return;
          yield event;
        }
        after = nextAfter(after, batch, batchSize);
        if (batch.events.length < batchSize) {
          await appendSignal.wait(pollIntervalMs, this.abort.signal, seen);
        }
      }
    } finally {
      this.abort.abort();
      this.options.onClose(this);
    }
  }

  private isClosed(): boolean {
    return this.abort.signal.aborted;
  }

  close(): Promise<void> {
    this.abort.abort();
    this.options.onClose(this);
    return Promise.resolve();
  }

  private async startPosition(): Promise<bigint> {
    const { from, pool } = this.options;
    if (from === 'start') return 0n;
    if (from !== 'end') return from;
    const batch = await readHorizonBatch(pool, 0n, 0, undefined);
    return batch.horizon - 1n;
  }
}
