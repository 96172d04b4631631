import { WrongExpectedRevisionError, type JsonValue } from '@loom/event-store';
import { planSteps } from '../definition/define-saga';
import type { AnySagaDefinition, SagaStep } from '../definition/saga-definition';
import { nextCommand, type SagaNextCommand } from '../domain/next-command';
import type { SagaCommand } from '../domain/saga.commands';
import type { SagaEvent } from '../domain/saga.events';
import { sagaDecider } from '../domain/saga.decider';
import { evolveSaga } from '../domain/saga.evolve';
import { stepResults, type SagaState } from '../domain/saga.state';
import { indexSnapshot } from '../persistence/index-snapshot';
import type { SagaIndex } from '../persistence/saga-index';
import type { SagaClaim, SagaLeases } from '../persistence/saga-leases';
import type { SagaStreams } from '../store/saga-streams';
import type { SagaLogger } from './saga-logger';
import { runAttempt, type AttemptOutcome } from './step-attempt';
import { sleep } from './timing';

export interface ExecutionContext {
  readonly owner: string;
  readonly streams: SagaStreams;
  readonly index: SagaIndex;
  readonly leases: SagaLeases;
  readonly logger: SagaLogger;
  readonly clock: () => Date;
  /** Backoffs up to this long are slept through holding the lease; longer ones give it back. */
  readonly holdWaitsUpToMs: number;
  /** How long a saga that failed unexpectedly (not a step: the database, a bug) rests before a retry. */
  readonly errorDelayMs: number;
}

/**
 * Runs one claimed saga until it finishes, parks, waits out a long backoff, or is lost. The stream
 * is read once, at the claim; after that each turn asks nextCommand what to do and decides it
 * through the decider. Decided events are appended at the revision they were decided on, always
 * before a step runs (an attempt's outcome travels with the next attempt's registration).
 */
export class SagaExecution {
  private readonly lost = new AbortController();
  private readonly stopping = new AbortController();
  /** Folded from the stream and from what this worker decided, flushed or not. */
  private state: SagaState = sagaDecider.initialState();
  /** Revision of the last event appended (or read): the expected revision of the next append. */
  private revision = -1;
  private readonly unflushed: SagaEvent[] = [];
  /**
   * Set once this worker gives the lease back on purpose: a renewal that no longer finds the
   * lease is then expected, not a loss.
   */
  private lettingGo = false;
  /**
   * The index update of the last flush, still in flight while the step it precedes runs (the
   * stream is the truth; the row only follows it, never backwards): resolves to its failure, if any.
   */
  private indexWrite: Promise<Error | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly context: ExecutionContext,
    private readonly claim: SagaClaim,
    private readonly definition: AnySagaDefinition,
  ) {}

  get sagaId(): string {
    return this.claim.sagaId;
  }

  /** The lease is gone (not renewed in time, or taken): stop at once and record nothing more. */
  abandon(reason: string): void {
    if (this.lost.signal.aborted || this.lettingGo) return;
    this.context.logger.warn({ sagaId: this.sagaId, reason }, 'saga abandoned');
    this.lost.abort(new Error(reason));
  }

  /** Let the attempt in flight finish and be recorded, then give the saga back. */
  requestStop(): void {
    this.stopping.abort();
  }

  async run(): Promise<void> {
    const { logger, leases, owner } = this.context;
    const { sagaId } = this.claim;
    try {
      const loaded = await this.context.streams.load(sagaId);
      this.state = loaded.state;
      this.revision = loaded.revision;
      if (this.state.status === 'NotStarted') {
        const acquired = await leases.acquireResource(sagaId, this.claim.resourceKey);
        if (!acquired) {
          this.lettingGo = true;
          await leases.release(owner, sagaId);
          return;
        }
      }
      if (this.claim.previousOwner) {
        logger.info(
          { sagaId, previousOwner: this.claim.previousOwner },
          'saga taken over after its lease expired',
        );
      }
      await this.turns();
    } catch (error) {
      if (this.lost.signal.aborted) return;
      if (error instanceof WrongExpectedRevisionError) {
        // Someone else wrote to the stream (a worker that took the saga over, or an operator):
        // this worker's view is stale. Give the lease back so that the stream's owner goes on.
        logger.info(
          { sagaId, reason: error.message },
          'saga changed under this worker; letting go',
        );
        await this.releaseQuietly(this.context.clock());
        return;
      }
      logger.error({ sagaId, err: error }, 'saga run failed; it will be retried');
      await this.releaseQuietly(
        new Date(this.context.clock().getTime() + this.context.errorDelayMs),
      );
    }
  }

  private async turns(): Promise<void> {
    for (;;) {
      if (this.lost.signal.aborted) return;
      const now = this.context.clock();
      if (this.stopping.signal.aborted) {
        await this.flush();
        await this.settleIndex();
        this.lettingGo = true;
        await this.context.leases.release(this.context.owner, this.sagaId, now);
        return;
      }
      const next = nextCommand(this.state, {
        now,
        shouldSkip: (step, input, results) => this.shouldSkip(step, input, results),
      });
      const done = await this.turn(next, now);
      if (done) return;
    }
  }

  /** One command; true when the saga leaves this worker. */
  private async turn(next: SagaNextCommand, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const { claim } = this;
    switch (next.type) {
      case 'StartSaga':
        this.decide({
          type: 'StartSaga',
          sagaId: claim.sagaId,
          sagaType: claim.type,
          resourceKey: claim.resourceKey,
          input: claim.input,
          steps: planSteps(this.definition),
          at,
        });
        return false;
      case 'SkipStep':
        this.decide({ type: 'SkipStep', step: next.step, at });
        return false;
      case 'RecordInterruption': {
        const reason = 'the worker running this attempt stopped before recording its outcome';
        const { step, attempt } = next;
        const cause = 'interrupted';
        this.decide(
          next.of === 'action'
            ? { type: 'RecordStepFailure', step, attempt, cause, reason, at }
            : { type: 'RecordCompensationFailure', step, attempt, cause, reason, at },
        );
        return false;
      }
      case 'Wait': {
        await this.flush();
        const waitMs = Date.parse(next.until) - now.getTime();
        if (waitMs <= this.context.holdWaitsUpToMs) {
          await sleep(waitMs, AbortSignal.any([this.lost.signal, this.stopping.signal]));
          return false;
        }
        await this.settleIndex();
        this.lettingGo = true;
        await this.context.leases.release(this.context.owner, this.sagaId, new Date(next.until));
        return true;
      }
      case 'RunStep':
        return this.runStep(next, 'action');
      case 'CompensateStep':
        return this.runStep(next, 'compensation');
      case 'CompleteSaga':
        this.decide({ type: 'CompleteSaga', at });
        await this.flush();
        return false;
      case 'FailSaga':
        this.decide({ type: 'FailSaga', at });
        await this.flush();
        return false;
      case 'ParkSaga':
        this.context.logger.error(
          { sagaId: this.sagaId, step: next.step, reason: next.reason },
          'saga parked: it needs an operator',
        );
        this.decide({ type: 'ParkSaga', step: next.step, reason: next.reason, at });
        await this.flush();
        return false;
      case 'Nothing':
        // Also heals a row left stale by a worker that died between an append and its update.
        await this.settleIndex();
        this.lettingGo = true;
        await this.context.index.record(
          this.sagaId,
          this.revision,
          indexSnapshot(this.state, now),
          this.context.owner,
        );
        return true;
      default: {
        const exhaustive: never = next;
        return exhaustive;
      }
    }
  }

  /** Registers the attempt (the compensation with it), runs it, records the outcome. */
  private async runStep(
    next: Extract<SagaNextCommand, { type: 'RunStep' | 'CompensateStep' }>,
    of: 'action' | 'compensation',
  ): Promise<boolean> {
    const { step: name, attempt } = next;
    const step = this.definition.steps.find((candidate) => candidate.name === name);
    const startedAt = this.context.clock().toISOString();
    if (!step) {
      // The saga started under a definition that had this step; this build cannot run it.
      this.decide({
        type: 'ParkSaga',
        step: name,
        reason: `this build's saga type ${this.definition.type} has no step ${name}`,
        at: startedAt,
      });
      await this.flush();
      return false;
    }
    this.decide(
      of === 'action'
        ? { type: 'StartStep', step: name, attempt, at: startedAt }
        : { type: 'StartCompensation', step: name, attempt, at: startedAt },
    );
    // Durable before the step runs: the registration of its compensation must never be lost.
    await this.flush();
    const outcome = await this.attempt(step, next, of);
    if (outcome.kind === 'abandoned' || this.lost.signal.aborted) return true;
    if (outcome.kind === 'failed') {
      this.context.logger.warn(
        {
          sagaId: this.sagaId,
          step: name,
          attempt,
          of,
          cause: outcome.cause,
          reason: outcome.reason,
        },
        'saga step attempt failed',
      );
    }
    // Not flushed here: the outcome travels with the next command's events (one append, not two).
    this.decide(outcomeCommand(of, name, attempt, outcome, this.context.clock().toISOString()));
    return false;
  }

  private attempt(
    step: SagaStep<unknown>,
    next: Extract<SagaNextCommand, { type: 'RunStep' | 'CompensateStep' }>,
    of: 'action' | 'compensation',
  ): Promise<AttemptOutcome> {
    if (this.state.status === 'NotStarted')
      throw new Error('a step of a saga that has not started');
    const { facts, steps } = this.state;
    const context = (signal: AbortSignal) => ({
      sagaId: facts.sagaId,
      sagaType: facts.sagaType,
      resourceKey: facts.resourceKey,
      input: facts.input,
      step: step.name,
      results: stepResults(steps),
      idempotencyKey: next.idempotencyKey,
      attempt: next.attempt,
      signal,
    });
    return runAttempt(
      (signal) =>
        of === 'action' ? step.action(context(signal)) : step.compensation(context(signal)),
      next.timeoutMs,
      this.lost.signal,
    );
  }

  /** Decides on the state including unflushed events; the events wait for the next flush. */
  private decide(command: SagaCommand): void {
    const events = sagaDecider.decide(command, this.state);
    this.state = events.reduce(evolveSaga, this.state);
    this.unflushed.push(...events);
  }

  /**
   * Appends what was decided since the last flush, at the revision of the last flush: if anyone
   * else wrote meanwhile the append fails and this worker lets go. Then starts the index row's
   * update, which runs alongside what comes next (a step's device work) and is awaited before the
   * next flush, so that the row's updates land in order and a failed one stops the run.
   */
  private async flush(): Promise<void> {
    if (this.unflushed.length === 0) return;
    if (this.lost.signal.aborted) throw this.lost.signal.reason;
    await this.settleIndex();
    const events = this.unflushed.splice(0);
    this.revision = await this.context.streams.append(this.sagaId, events, this.revision, {
      actor: this.context.owner,
      correlationId: this.sagaId,
    });
    this.indexWrite = this.context.index
      .record(this.sagaId, this.revision, indexSnapshot(this.state, this.context.clock()))
      .then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
  }

  /** Waits for the index update in flight; throws its failure. */
  private async settleIndex(): Promise<void> {
    const failure = await this.indexWrite;
    this.indexWrite = Promise.resolve(undefined);
    if (failure !== undefined) throw failure;
  }

  private shouldSkip(
    name: string,
    input: JsonValue,
    results: Readonly<Record<string, JsonValue>>,
  ): boolean {
    const step = this.definition.steps.find((candidate) => candidate.name === name);
    return step?.skipWhen?.(input, results) ?? false;
  }

  private async releaseQuietly(nextRunAt: Date): Promise<void> {
    this.lettingGo = true;
    try {
      await this.settleIndex().catch(() => undefined);
      await this.context.leases.release(this.context.owner, this.sagaId, nextRunAt);
    } catch (error) {
      this.context.logger.warn(
        { sagaId: this.sagaId, err: error },
        'could not give the saga back; its lease will expire',
      );
    }
  }
}

function outcomeCommand(
  of: 'action' | 'compensation',
  step: string,
  attempt: number,
  outcome: Exclude<AttemptOutcome, { kind: 'abandoned' }>,
  at: string,
): SagaCommand {
  if (outcome.kind === 'succeeded') {
    return of === 'action'
      ? { type: 'RecordStepSuccess', step, attempt, result: outcome.result, at }
      : { type: 'RecordCompensationSuccess', step, attempt, at };
  }
  const { cause, reason } = outcome;
  return of === 'action'
    ? { type: 'RecordStepFailure', step, attempt, cause, reason, at }
    : { type: 'RecordCompensationFailure', step, attempt, cause, reason, at };
}
