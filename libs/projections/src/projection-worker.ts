import type { EventSubscription } from '@loom/event-store';
import type { DataSource } from 'typeorm';
import { EventBatcher } from './event-batcher';
import type { EventFeed } from './event-feed';
import { assertGlobalOrder } from './global-order';
import { PositionWaiters } from './position-waiters';
import type { Projection } from './projection';
import { applyBatch } from './projection-batch';
import { ensureCheckpointRow, loadCheckpoints } from './projection-checkpoints';
import type { ProjectionLogger } from './projection-logger';
import { retryDelayMs, sleep, type RetryBackoff } from './retry-backoff';

export interface ProjectionWorkerOptions {
  readonly projection: Projection;
  readonly dataSource: DataSource;
  /** The runner's one reading of the log, shared by its projections. */
  readonly feed: EventFeed;
  readonly batchSize: number;
  readonly backoff: RetryBackoff;
  readonly logger: ProjectionLogger;
}

/** Keeps one projection following the log: subscribe from the checkpoint, apply batches, retry. */
export class ProjectionWorker {
  readonly waiters = new PositionWaiters();
  private readonly stopping = new AbortController();
  private subscription: EventSubscription | undefined;
  private loop: Promise<void> | undefined;
  private failures = 0;
  private lastFailure: string | undefined;

  constructor(private readonly options: ProjectionWorkerOptions) {}

  get projection(): Projection {
    return this.options.projection;
  }

  get running(): boolean {
    return this.loop !== undefined && !this.stopping.signal.aborted;
  }

  /** The last failure's message; cleared when a batch commits. */
  get lastError(): string | undefined {
    return this.lastFailure;
  }

  start(): void {
    if (this.loop) throw new Error(`projection ${this.projection.name} is already started`);
    this.loop = this.run();
  }

  /** Lets the batch in flight commit, then ends the loop. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { logger, backoff } = this.options;
    const name = this.projection.name;
    while (!this.isStopping()) {
      try {
        await this.follow();
        if (this.isStopping()) break;
        // Subscriptions end only when closed; one that ends by itself is retried like a failure.
        throw new Error('the subscription ended');
      } catch (error) {
        this.failures += 1;
        this.lastFailure = error instanceof Error ? error.message : String(error);
        const retryInMs = retryDelayMs(this.failures, backoff);
        logger.error(
          { err: error, projection: name, attempt: this.failures, retryInMs },
          'projection failed; resubscribing from its checkpoint',
        );
        await sleep(retryInMs, this.stopping.signal);
      }
    }
    // Debug: the engine's stop says it once, in one line.
    logger.debug(
      { projection: name, position: this.waiters.position?.toString() },
      'projection stopped',
    );
  }

  /** One subscription's life: from the stored checkpoint until it fails or the worker stops. */
  private async follow(): Promise<void> {
    const { dataSource, feed, batchSize, logger } = this.options;
    const { name, filter } = this.projection;
    await ensureCheckpointRow(dataSource, name);
    const checkpoint = (await loadCheckpoints(dataSource, [name])).get(name);
    this.waiters.advance(checkpoint);
    if (this.isStopping()) return;
    const subscription = feed.subscribe(checkpoint, filter);
    this.subscription = subscription;
    logger.info(
      { projection: name, from: checkpoint?.toString() ?? 'start' },
      'projection subscribed',
    );
    try {
      const batcher = new EventBatcher(subscription[Symbol.asyncIterator](), batchSize);
      let delivered = checkpoint;
      while (!this.isStopping()) {
        const batch = await batcher.next();
        if (batch.length === 0) return;
        assertGlobalOrder(name, batch, delivered);
        delivered = batch.at(-1)?.position;
        const outcome = await applyBatch(dataSource, this.projection, batch);
        this.failures = 0;
        this.lastFailure = undefined;
        this.waiters.advance(outcome.checkpoint);
      }
    } finally {
      this.subscription = undefined;
      await subscription.close();
    }
  }

  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }
}
