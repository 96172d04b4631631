import type { SagaCommand } from '../domain/saga.commands';
import { sagaDecider } from '../domain/saga.decider';
import type { SagaEvent } from '../domain/saga.events';
import { evolveSaga } from '../domain/saga.evolve';
import type { SagaState } from '../domain/saga.state';
import { indexSnapshot } from '../persistence/index-snapshot';
import type { SagaIndex } from '../persistence/saga-index';
import type { SagaStreams } from '../store/saga-streams';

export interface RecorderContext {
  /** The worker: the actor of every event it appends, and the owner it releases leases as. */
  readonly owner: string;
  readonly streams: SagaStreams;
  readonly index: SagaIndex;
  readonly clock: () => Date;
}

/**
 * The writing side of one saga's run on a worker: the state folded from the stream and from what
 * the worker decided since, the events waiting to be appended, and the index row that follows
 * them. Decided events are appended at the revision they were decided on.
 */
export class SagaRecorder {
  /** Folded from the stream and from what this worker decided, flushed or not. */
  private current: SagaState = sagaDecider.initialState();
  /** Revision of the last event appended (or read): the expected revision of the next append. */
  private revision = -1;
  private readonly unflushed: SagaEvent[] = [];
  /**
   * The index update of the last flush, still in flight while the step it precedes runs (the
   * stream is the truth; the row only follows it, never backwards): resolves to its failure, if any.
   */
  private indexWrite: Promise<Error | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly context: RecorderContext,
    private readonly sagaId: string,
    /** Aborted when the worker lost the saga: nothing more may be appended. */
    private readonly lost: AbortSignal,
  ) {}

  get state(): SagaState {
    return this.current;
  }

  /** Reads the stream: the one read of a run, at the claim. */
  async load(): Promise<void> {
    const loaded = await this.context.streams.load(this.sagaId);
    this.current = loaded.state;
    this.revision = loaded.revision;
  }

  /** Decides on the state including unflushed events; the events wait for the next flush. */
  decide(command: SagaCommand): void {
    const events = sagaDecider.decide(command, this.current);
    this.current = events.reduce(evolveSaga, this.current);
    this.unflushed.push(...events);
  }

  /**
   * Appends what was decided since the last flush, at the revision of the last flush: if anyone
   * else wrote meanwhile the append fails and this worker lets go. Then starts the index row's
   * update, which runs alongside what comes next (a step's device work) and is awaited before the
   * next flush, so that the row's updates land in order and a failed one stops the run.
   */
  async flush(): Promise<void> {
    if (this.unflushed.length === 0) return;
    if (this.lost.aborted) throw this.lost.reason;
    await this.settleIndex();
    const events = this.unflushed.splice(0);
    this.revision = await this.context.streams.append(this.sagaId, events, this.revision, {
      actor: this.context.owner,
      correlationId: this.sagaId,
    });
    this.indexWrite = this.context.index
      .record(this.sagaId, this.revision, indexSnapshot(this.current, this.context.clock()))
      .then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
  }

  /** Waits for the index update in flight; throws its failure. */
  async settleIndex(): Promise<void> {
    const failure = await this.indexWrite;
    this.indexWrite = Promise.resolve(undefined);
    if (failure !== undefined) throw failure;
  }

  /**
   * Writes the index row as the stream says and gives up this worker's lease in the same
   * statement; settle the index first. Also heals a row left stale by a worker that died between
   * an append and its update.
   */
  async recordAndRelease(now: Date): Promise<void> {
    await this.context.index.record(
      this.sagaId,
      this.revision,
      indexSnapshot(this.current, now),
      this.context.owner,
    );
  }
}
