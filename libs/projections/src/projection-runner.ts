import { createLogger } from '@loom/logging';
import type { EventStore } from '@loom/event-store';
import type { DataSource } from 'typeorm';
import { advanceOverSkippedEvents } from './checkpoint-advance';
import { EventFeed } from './event-feed';
import type { EventLogProbe } from './event-log-probe';
import { filterUnion } from './filter-union';
import { assertProjectionName, type Projection } from './projection';
import { loadCheckpoints } from './projection-checkpoints';
import {
  ProjectionRunnerStoppedError,
  ProjectionWaitTimeoutError,
  UnknownProjectionError,
} from './projection-errors';
import type { ProjectionLogger } from './projection-logger';
import { ProjectionWorker } from './projection-worker';
import { defaultRetryBackoff, type RetryBackoff } from './retry-backoff';

export interface ProjectionRunnerOptions {
  /** The read-model database; must be initialized and know every projection's entities. */
  readonly dataSource: DataSource;
  readonly store: EventStore;
  /** Where the log's head is, for status() and waitForHead(); PostgresEventLogProbe on PostgreSQL. */
  readonly eventLog: EventLogProbe;
  readonly projections: readonly Projection[];
  /** Most events applied in one transaction, and read per subscription round trip. Default 500. */
  readonly batchSize?: number;
  readonly retry?: Partial<RetryBackoff>;
  readonly logger?: ProjectionLogger;
  /**
   * How often the checkpoints move over the events their filters skip (advanceOverSkippedEvents),
   * so that a start reads only what was written since. Default 5,000 ms.
   */
  readonly checkpointAdvanceMs?: number;
}

export interface ProjectionStatus {
  readonly name: string;
  /** Stored checkpoint: the position of the last event applied; undefined before the first. */
  readonly position: bigint | undefined;
  /** Committed events of the projection's filter after its checkpoint, counted up to `lagCountLimit`. */
  readonly lagEvents: number;
  readonly caughtUp: boolean;
  /** True from start() to stop(), through retries. */
  readonly running: boolean;
  /** The last failure (being retried); cleared when a batch commits. */
  readonly lastError: string | undefined;
}

/** Beyond this, a lag is reported as this many events: counting a rebuild's backlog costs a scan. */
export const lagCountLimit = 100_000;

/** How long a projection with a full queue may hold back the others before it reads on its own. */
const feedStallMs = 1_000;

/**
 * Runs projections: each follows the event log from its checkpoint and applies batches to its read
 * model, one transaction per batch with the checkpoint. They read the log through one shared feed
 * (see EventFeed), so an append costs one read, not one per projection. Runners of the same
 * projection in several processes are safe (the checkpoint row lock serialises their batches);
 * they just duplicate reads.
 */
export class ProjectionRunner {
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly feed: EventFeed;
  private started = false;
  private stopped = false;
  private advanceTimer: NodeJS.Timeout | undefined;
  private advancing: Promise<void> = Promise.resolve();
  private readonly logger: ProjectionLogger;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new Error(`batchSize must be an integer from 1 to 10000, got ${batchSize}`);
    }
    const backoff = { ...defaultRetryBackoff, ...options.retry };
    const logger = options.logger ?? createLogger().child({ component: 'projections' });
    this.logger = logger;
    this.feed = new EventFeed({
      store: options.store,
      filter: filterUnion(options.projections.map((projection) => projection.filter)),
      batchSize,
      maxQueued: 2 * batchSize,
      stallMs: feedStallMs,
    });
    for (const projection of options.projections) {
      assertProjectionName(projection.name);
      if (this.workers.has(projection.name)) {
        throw new Error(`projection ${projection.name} is listed twice`);
      }
      this.workers.set(
        projection.name,
        new ProjectionWorker({
          projection,
          dataSource: options.dataSource,
          feed: this.feed,
          batchSize,
          backoff,
          logger,
        }),
      );
    }
  }

  /** Starts every projection in the background; failures are logged and retried, not thrown. */
  start(): void {
    if (this.started) throw new Error('the projection runner was already started');
    const { dataSource } = this.options;
    if (!dataSource.isInitialized) throw new Error('initialize the data source before start()');
    for (const worker of this.workers.values()) {
      for (const entity of worker.projection.entities) {
        // Caught here, a forgotten entity is a startup error instead of a retry loop.
        if (!dataSource.hasMetadata(entity)) {
          throw new Error(
            `projection ${worker.projection.name}: entity ${entity.name} is not registered in the data source`,
          );
        }
      }
    }
    this.started = true;
    for (const worker of this.workers.values()) worker.start();
    this.scheduleAdvance();
  }

  /** Lets each projection commit the batch it is applying, then stops; pending waits reject. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.advanceTimer);
    await this.advancing;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    await this.feed.stopped();
    for (const [name, worker] of this.workers) {
      worker.waiters.rejectAll(() => new ProjectionRunnerStoppedError(name));
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    const names = [...this.workers.keys()];
    const checkpoints = await loadCheckpoints(this.options.dataSource, names);
    return Promise.all(
      [...this.workers.values()].map(async (worker): Promise<ProjectionStatus> => {
        const { name, filter } = worker.projection;
        const position = checkpoints.get(name);
        const lagEvents = await this.options.eventLog.countAfter(position, filter, lagCountLimit);
        return {
          name,
          position,
          lagEvents,
          caughtUp: lagEvents === 0,
          running: worker.running,
          lastError: worker.lastError,
        };
      }),
    );
  }

  /**
   * Resolves once the projection's checkpoint is >= position: pass the position of an event it
   * projects (from your AppendResult), or use waitForHead(). An event its filter skips is
   * reached only when the checkpoint moves over it (every checkpointAdvanceMs), so waiting for
   * such a position may time out.
   */
  async waitForPosition(
    projectionName: string,
    position: bigint,
    timeoutMs: number,
  ): Promise<void> {
    const worker = this.worker(projectionName);
    if (worker.waiters.position !== undefined && worker.waiters.position >= position) return;
    if (this.stopped) throw new ProjectionRunnerStoppedError(projectionName);
    await worker.waiters.wait(
      position,
      timeoutMs,
      () =>
        new ProjectionWaitTimeoutError(
          projectionName,
          position,
          worker.waiters.position,
          timeoutMs,
        ),
    );
  }

  /** The position up to which the projection has committed in this process, if any. */
  positionOf(projectionName: string): bigint | undefined {
    return this.worker(projectionName).waiters.position;
  }

  /**
   * Resolves once the projection commits past `position` (what positionOf answered before a read),
   * or after `timeoutMs` whichever comes first: a long poll wakes on a change instead of a timer.
   */
  async waitBeyond(
    projectionName: string,
    position: bigint | undefined,
    timeoutMs: number,
  ): Promise<void> {
    try {
      await this.waitForPosition(
        projectionName,
        position === undefined ? 0n : position + 1n,
        timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof ProjectionWaitTimeoutError)) throw error;
    }
  }

  /** Resolves once the projection has applied every event of its filter committed before the call. */
  async waitForHead(projectionName: string, timeoutMs: number): Promise<void> {
    const worker = this.worker(projectionName);
    const startedAt = Date.now();
    // Only what follows the position it has reached (its checkpoint moves over skipped events).
    const head = await this.options.eventLog.headPosition(
      worker.projection.filter,
      worker.waiters.position,
    );
    if (head === undefined) return;
    const remainingMs = Math.max(0, timeoutMs - (Date.now() - startedAt));
    await this.waitForPosition(projectionName, head, remainingMs);
  }

  /**
   * Moves the checkpoints over the events their filters skip now: what the runner does every
   * checkpointAdvanceMs. Returns the names of the projections whose checkpoint moved.
   */
  async advanceCheckpoints(): Promise<string[]> {
    return advanceOverSkippedEvents(
      this.options.eventLog,
      this.options.dataSource,
      [...this.workers.values()].map((worker) => ({
        name: worker.projection.name,
        filter: worker.projection.filter,
        advanced: (position) => {
          worker.waiters.advance(position);
        },
      })),
    );
  }

  private scheduleAdvance(): void {
    const everyMs = this.options.checkpointAdvanceMs ?? 5_000;
    this.advanceTimer = setTimeout(() => {
      this.advancing = this.advanceCheckpoints()
        .then(
          () => undefined,
          (error: unknown) => {
            // Harmless: the checkpoints stay where they are until the next round.
            this.logger.warn({ err: error }, 'moving projection checkpoints forward failed');
          },
        )
        .finally(() => {
          if (!this.stopped) this.scheduleAdvance();
        });
    }, everyMs);
    this.advanceTimer.unref();
  }

  private worker(name: string): ProjectionWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new UnknownProjectionError(name);
    return worker;
  }
}
