import type { StartedSagaState, StepState } from './saga.state';

/** The first step whose action has neither succeeded nor been skipped: the one running forward. */
export function currentStep(saga: StartedSagaState): StepState | undefined {
  return saga.steps.find(
    (step) => step.action.status !== 'Succeeded' && step.action.status !== 'Skipped',
  );
}

/** An action attempt that was started and never recorded. */
export function inFlightAction(saga: StartedSagaState): StepState | undefined {
  return saga.steps.find((step) => step.action.status === 'InFlight');
}

/**
 * The next compensation to run: the latest-started step whose compensation is registered and not
 * done. Steps run in plan order, so reverse plan order undoes the newest first.
 */
export function compensationTarget(saga: StartedSagaState): StepState | undefined {
  for (let index = saga.steps.length - 1; index >= 0; index -= 1) {
    const step = saga.steps[index];
    if (!step) continue;
    const { status } = step.compensation;
    if (status !== 'NotRegistered' && status !== 'Compensated') return step;
  }
  return undefined;
}
