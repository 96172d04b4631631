import { WrongExpectedRevisionError, type JsonValue } from '@loom/event-store';
import { planSteps } from '../definition/define-saga';
import type { AnySagaDefinition } from '../definition/saga-definition';
import { nextCommand, type SagaNextCommand } from '../domain/next-command';
import type { SagaClaim, SagaLeases } from '../persistence/saga-leases';
import type { SagaLogger } from './saga-logger';
import { SagaRecorder, type RecorderContext } from './saga-recorder';
import { interruptionCommand } from './step-attempt';
import { runStep, type StepRunContext } from './step-run';
import { sleep } from './timing';

export interface ExecutionContext extends RecorderContext {
  readonly leases: SagaLeases;
  readonly logger: SagaLogger;
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
  private readonly recorder: SagaRecorder;
  private readonly stepRun: StepRunContext;
  /**
   * Set once this worker gives the lease back on purpose: a renewal that no longer finds the
   * lease is then expected, not a loss.
   */
  private lettingGo = false;

  constructor(
    private readonly context: ExecutionContext,
    private readonly claim: SagaClaim,
    private readonly definition: AnySagaDefinition,
  ) {
    this.recorder = new SagaRecorder(context, claim.sagaId, this.lost.signal);
    this.stepRun = {
      sagaId: claim.sagaId,
      definition,
      recorder: this.recorder,
      logger: context.logger,
      clock: context.clock,
      lost: this.lost.signal,
    };
  }

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
      await this.recorder.load();
      if (this.recorder.state.status === 'NotStarted') {
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
        await this.recorder.flush();
        await this.giveBack(now);
        return;
      }
      const next = nextCommand(this.recorder.state, {
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
        this.recorder.decide({
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
        this.recorder.decide({ type: 'SkipStep', step: next.step, at });
        return false;
      case 'RecordInterruption':
        this.recorder.decide(
          interruptionCommand(
            next,
            at,
            this.definition.steps.find((step) => step.name === next.step)?.parkWhen !== undefined,
          ),
        );
        return false;
      case 'Wait': {
        await this.recorder.flush();
        const waitMs = Date.parse(next.until) - now.getTime();
        if (waitMs <= this.context.holdWaitsUpToMs) {
          await sleep(waitMs, AbortSignal.any([this.lost.signal, this.stopping.signal]));
          return false;
        }
        await this.giveBack(new Date(next.until));
        return true;
      }
      case 'RunStep':
        return runStep(this.stepRun, next, 'action');
      case 'CompensateStep':
        return runStep(this.stepRun, next, 'compensation');
      case 'CompleteSaga':
        this.recorder.decide({ type: 'CompleteSaga', at });
        await this.recorder.flush();
        return false;
      case 'FailSaga':
        this.recorder.decide({ type: 'FailSaga', at });
        await this.recorder.flush();
        return false;
      case 'ParkSaga':
        this.context.logger.error(
          { sagaId: this.sagaId, step: next.step, reason: next.reason },
          'saga parked: it needs an operator',
        );
        this.recorder.decide({ type: 'ParkSaga', step: next.step, reason: next.reason, at });
        await this.recorder.flush();
        return false;
      case 'Nothing':
        await this.recorder.settleIndex();
        this.lettingGo = true;
        await this.recorder.recordAndRelease(now);
        return true;
      default: {
        const exhaustive: never = next;
        return exhaustive;
      }
    }
  }

  private shouldSkip(
    name: string,
    input: JsonValue,
    results: Readonly<Record<string, JsonValue>>,
  ): boolean {
    const step = this.definition.steps.find((candidate) => candidate.name === name);
    return step?.skipWhen?.(input, results) ?? false;
  }

  /** Gives the lease back on purpose, the saga due again at `nextRunAt`. */
  private async giveBack(nextRunAt: Date): Promise<void> {
    await this.recorder.settleIndex();
    this.lettingGo = true;
    await this.context.leases.release(this.context.owner, this.sagaId, nextRunAt);
  }

  private async releaseQuietly(nextRunAt: Date): Promise<void> {
    this.lettingGo = true;
    try {
      await this.recorder.settleIndex().catch(() => undefined);
      await this.context.leases.release(this.context.owner, this.sagaId, nextRunAt);
    } catch (error) {
      this.context.logger.warn(
        { sagaId: this.sagaId, err: error },
        'could not give the saga back; its lease will expire',
      );
    }
  }
}
