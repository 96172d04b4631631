import type { StepContext } from '../definition/saga-definition';
import type { SagaNextCommand } from '../domain/next-command';
import { stepResults, type StartedSagaState } from '../domain/saga.state';

/** The next command when it is to run an attempt of an action or of a compensation. */
export type StepRun = Extract<SagaNextCommand, { type: 'RunStep' | 'CompensateStep' }>;

/**
 * What an attempt gets: the facts the saga started with, the results so far, and the attempt and
 * idempotency key that nextCommand chose (the key is the same for every attempt of a step).
 */
export function stepContext(
  saga: StartedSagaState,
  run: StepRun,
  signal: AbortSignal,
): StepContext<unknown> {
  const { facts, steps } = saga;
  return {
    sagaId: facts.sagaId,
    sagaType: facts.sagaType,
    resourceKey: facts.resourceKey,
    input: facts.input,
    step: run.step,
    results: stepResults(steps),
    idempotencyKey: run.idempotencyKey,
    attempt: run.attempt,
    signal,
  };
}
