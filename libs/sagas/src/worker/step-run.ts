import type { AnySagaDefinition, SagaStep } from '../definition/saga-definition';
import type { SagaLogger } from './saga-logger';
import type { SagaRecorder } from './saga-recorder';
import { outcomeCommand, runAttempt, type AttemptOutcome } from './step-attempt';
import { stepContext, type StepRun } from './step-context';

/** What running a step needs from the saga's execution. */
export interface StepRunContext {
  readonly sagaId: string;
  readonly definition: AnySagaDefinition;
  readonly recorder: SagaRecorder;
  readonly logger: SagaLogger;
  readonly clock: () => Date;
  /** Aborted when the worker lost the saga: the attempt stops and nothing is recorded. */
  readonly lost: AbortSignal;
}

/**
 * Registers the attempt (the compensation with it) durably, runs it, and decides its outcome,
 * which is appended with the next command's events. True when the saga leaves this worker: it
 * was lost while the attempt ran.
 */
export async function runStep(
  context: StepRunContext,
  next: StepRun,
  of: 'action' | 'compensation',
): Promise<boolean> {
  const { definition, recorder, clock } = context;
  const { step: name, attempt } = next;
  const step = definition.steps.find((candidate) => candidate.name === name);
  const startedAt = clock().toISOString();
  if (!step) {
    // The saga started under a definition that had this step; this build cannot run it.
    recorder.decide({
      type: 'ParkSaga',
      step: name,
      reason: `this build's saga type ${definition.type} has no step ${name}`,
      at: startedAt,
    });
    await recorder.flush();
    return false;
  }
  recorder.decide(
    of === 'action'
      ? { type: 'StartStep', step: name, attempt, at: startedAt }
      : { type: 'StartCompensation', step: name, attempt, at: startedAt },
  );
  // Durable before the step runs: the registration of its compensation must never be lost.
  await recorder.flush();
  const outcome = await attemptStep(context, step, next, of);
  if (outcome.kind === 'abandoned' || context.lost.aborted) return true;
  if (outcome.kind === 'failed') {
    const { cause, reason, errorKind } = outcome;
    context.logger.warn(
      { sagaId: context.sagaId, step: name, attempt, of, cause, reason, errorKind },
      'saga step attempt failed',
    );
  }
  // A step that parks when exhausted only on some failures says now whether this one does.
  const parks =
    outcome.kind === 'failed' && of === 'action' && step.onExhausted === 'park' && step.parkWhen
      ? outcome.cause === 'error' && step.parkWhen(outcome.error)
      : undefined;
  // Not flushed here: the outcome travels with the next command's events (one append, not two).
  recorder.decide(
    outcomeCommand(
      of,
      name,
      attempt,
      outcome,
      clock().toISOString(),
      parks === false ? false : undefined,
    ),
  );
  return false;
}

function attemptStep(
  { recorder, lost }: StepRunContext,
  step: SagaStep<unknown>,
  next: StepRun,
  of: 'action' | 'compensation',
): Promise<AttemptOutcome> {
  const saga = recorder.state;
  if (saga.status === 'NotStarted') throw new Error('a step of a saga that has not started');
  return runAttempt(
    (signal) =>
      of === 'action'
        ? step.action(stepContext(saga, next, signal))
        : step.compensation(stepContext(saga, next, signal)),
    next.timeoutMs,
    lost,
  );
}
