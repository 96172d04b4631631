import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createLogger } from '@loom/logging';
import type { EventStore } from '@loom/event-store';
import type { Pool } from 'pg';
import type { AnySagaDefinition } from '../definition/saga-definition';
import { SagaRegistry } from '../definition/saga-registry';
import { SagaIndex } from '../persistence/saga-index';
import { SagaLeases, type SagaClaim } from '../persistence/saga-leases';
import { SagaStreams } from '../store/saga-streams';
import { SagaExecution, type ExecutionContext } from './saga-execution';
import type { SagaLogger } from './saga-logger';
import { sleep, Wakeup } from './timing';

export interface SagaWorkerOptions {
  /** PostgreSQL with the saga tables (sagaMigrations): the index and the leases. */
  readonly pool: Pool;
  /** Where the saga streams are. */
  readonly store: EventStore;
  /** The saga types this worker runs; it never claims other types. */
  readonly definitions: readonly AnySagaDefinition[];
  /** Recorded as the lease owner and as the actor of every event it appends. Unique per process. */
  readonly workerId?: string;
  /** How long a claim holds without renewal: how soon a dead worker's sagas move on. Default 30 s. */
  readonly leaseMs?: number;
  /** Default leaseMs / 3: two renewals can fail before the lease is at risk. */
  readonly renewEveryMs?: number;
  /** How often an idle worker looks for runnable sagas. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Sagas run at once by this worker. Default 16. */
  readonly concurrency?: number;
  /** Backoffs up to this long are slept through holding the lease. Default 1000 ms. */
  readonly holdWaitsUpToMs?: number;
  /** Rest after an unexpected error (database, bug) before the saga is tried again. Default 1000 ms. */
  readonly errorDelayMs?: number;
  readonly logger?: SagaLogger;
  readonly clock?: () => Date;
}

interface Held {
  readonly execution: SagaExecution;
  readonly done: Promise<void>;
  /** This worker's cautious view of the lease: when its last successful renewal was sent, plus leaseMs. */
  validUntil: number;
}

/**
 * Runs sagas: claims runnable ones (leases in PostgreSQL), runs each until it finishes or must
 * wait, renews the leases of those it holds, and lets go of any whose lease it could not renew in
 * time. Several workers, in one process or many, share the load; a worker that dies (kill -9)
 * stops renewing and its sagas are claimed again, from their streams, once the leases expire.
 */
export class SagaWorker {
  readonly id: string;
  private readonly registry: SagaRegistry;
  private readonly leases: SagaLeases;
  private readonly context: ExecutionContext;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly held = new Map<string, Held>();
  private readonly wakeup = new Wakeup();
  private readonly stopping = new AbortController();
  private readonly drained = new AbortController();
  private renewal: Promise<void> | undefined;
  private loops: Promise<void> | undefined;

  constructor(options: SagaWorkerOptions) {
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.registry = new SagaRegistry(options.definitions);
    this.leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
    this.renewEveryMs = positive(
      'renewEveryMs',
      options.renewEveryMs ?? Math.floor(this.leaseMs / 3),
    );
    if (this.renewEveryMs >= this.leaseMs) {
      throw new RangeError('renewEveryMs must be below leaseMs');
    }
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? 250);
    this.concurrency = positive('concurrency', options.concurrency ?? 16);
    this.leases = new SagaLeases(options.pool);
    this.context = {
      owner: this.id,
      streams: new SagaStreams(options.store),
      index: new SagaIndex(options.pool),
      leases: this.leases,
      logger: options.logger ?? createLogger().child({ component: 'sagas', worker: this.id }),
      clock: options.clock ?? (() => new Date()),
      holdWaitsUpToMs: options.holdWaitsUpToMs ?? 1000,
      errorDelayMs: options.errorDelayMs ?? 1000,
    };
  }

  get running(): boolean {
    return this.loops !== undefined && !this.stopping.signal.aborted;
  }

  /** Ids of the sagas this worker holds right now. */
  activeSagaIds(): string[] {
    return [...this.held.keys()];
  }

  start(): void {
    if (this.loops) throw new Error(`saga worker ${this.id} was already started`);
    this.loops = Promise.all([this.claimLoop(), this.renewLoop()]).then(() => undefined);
    this.context.logger.info(
      { types: this.registry.types, leaseMs: this.leaseMs, concurrency: this.concurrency },
      'saga worker started',
    );
  }

  /**
   * Stops claiming, lets each held saga record the attempt in flight (bounded by its timeout),
   * gives the sagas back and ends the renewals.
   */
  async stop(): Promise<void> {
    if (!this.loops) return;
    this.stopping.abort();
    this.wakeup.wake();
    for (const { execution } of this.held.values()) execution.requestStop();
    await this.loops;
    // Debug: the engine's stop says it once, in one line.
    this.context.logger.debug({}, 'saga worker stopped');
  }

  private async claimLoop(): Promise<void> {
    const types = this.registry.types;
    while (!this.stopping.signal.aborted) {
      const capacity = this.concurrency - this.held.size;
      let claimed: SagaClaim[] = [];
      if (capacity > 0) {
        const sentAt = Date.now();
        try {
          claimed = await this.leases.claim(this.id, types, capacity, this.leaseMs);
        } catch (error) {
          this.context.logger.error({ err: error }, 'claiming sagas failed; retrying');
          await sleep(this.pollIntervalMs, this.stopping.signal);
          continue;
        }
        for (const claim of claimed) this.run(claim, sentAt);
      }
      // A full batch suggests more are due: claim again at once instead of napping.
      if (claimed.length > 0 && claimed.length === capacity) continue;
      await this.wakeup.nap(this.pollIntervalMs);
    }
    while (this.held.size > 0) {
      await Promise.all([...this.held.values()].map((held) => held.done));
    }
    this.drained.abort();
  }

  private run(claim: SagaClaim, claimSentAt: number): void {
    const execution = new SagaExecution(this.context, claim, this.registry.get(claim.type));
    if (this.stopping.signal.aborted) execution.requestStop();
    const done = execution.run().finally(() => {
      this.held.delete(claim.sagaId);
      // Its resource may now be free for the next saga in line: look again at once.
      this.wakeup.wake();
    });
    this.held.set(claim.sagaId, { execution, done, validUntil: claimSentAt + this.leaseMs });
  }

  /**
   * Renews in the background, so that a renewal stuck on the network cannot keep this loop from
   * noticing that the leases are running out: a saga whose lease this worker cannot vouch for
   * through the next tick is abandoned before another worker may claim it.
   */
  private async renewLoop(): Promise<void> {
    for (;;) {
      await sleep(this.renewEveryMs, this.drained.signal);
      if (this.drained.signal.aborted) break;
      const now = Date.now();
      for (const held of this.held.values()) {
        if (now + this.renewEveryMs >= held.validUntil) {
          held.execution.abandon('its lease could not be renewed in time');
        }
      }
      this.renewal ??= this.renew().finally(() => {
        this.renewal = undefined;
      });
    }
    await this.renewal;
  }

  private async renew(): Promise<void> {
    const entries = [...this.held.entries()];
    if (entries.length === 0) return;
    const sentAt = Date.now();
    try {
      const renewed = await this.leases.renew(
        this.id,
        entries.map(([sagaId]) => sagaId),
        this.leaseMs,
      );
      for (const [sagaId, held] of entries) {
        if (renewed.has(sagaId)) held.validUntil = sentAt + this.leaseMs;
        else held.execution.abandon('another worker holds its lease now');
      }
    } catch (error) {
      this.context.logger.warn({ err: error }, 'renewing saga leases failed');
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}
