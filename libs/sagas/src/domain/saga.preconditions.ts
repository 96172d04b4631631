import { SagaCommandRejectedError } from './saga.errors';
import type { StartedSagaState, StepState } from './saga.state';
import { currentStep } from './saga-cursor';

/*
 * What a command requires of the saga's state before the decider records it. Each check throws a
 * SagaCommandRejectedError that says which rule the command broke.
 */

/** An action's or a compensation's progress, as far as starting and recording attempts goes. */
export type AttemptState =
  | { readonly status: 'Pending' | 'Registered' | 'Skipped' | 'NotRegistered' }
  | { readonly status: 'InFlight' | 'Succeeded' | 'Compensated'; readonly attempt: number }
  | { readonly status: 'Failed'; readonly attempt: number; readonly retryAt: string | null };

/** Attempt 1 of something not yet tried, or the attempt after a failure whose retry time came. */
export function requireNextAttempt(
  step: string,
  current: AttemptState,
  attempt: number,
  at: string,
): void {
  if (current.status === 'Pending' || current.status === 'Registered') {
    if (attempt !== 1) throw wrongAttempt(step, `has no attempt yet, not ${attempt - 1}`);
    return;
  }
  if (current.status !== 'Failed' || current.retryAt === null) {
    throw wrongAttempt(step, `cannot start another attempt (${current.status.toLowerCase()})`);
  }
  if (attempt !== current.attempt + 1) {
    throw wrongAttempt(step, `is due for attempt ${current.attempt + 1}, not ${attempt}`);
  }
  if (Date.parse(at) < Date.parse(current.retryAt)) {
    throw new SagaCommandRejectedError(
      'TOO_EARLY',
      `step ${step} may retry at ${current.retryAt}, not ${at}`,
    );
  }
}

export function requireInFlight(step: string, current: AttemptState, attempt: number): void {
  if (current.status !== 'InFlight' || current.attempt !== attempt) {
    throw wrongAttempt(step, `has no attempt ${attempt} in flight`);
  }
}

export function requireStep(saga: StartedSagaState, name: string): StepState {
  const step = saga.steps.find((candidate) => candidate.plan.name === name);
  if (!step) throw new SagaCommandRejectedError('UNKNOWN_STEP', `the saga has no step ${name}`);
  return step;
}

export function requireCurrentStep(saga: StartedSagaState, name: string): StepState {
  const step = requireStep(saga, name);
  if (currentStep(saga) !== step) {
    throw new SagaCommandRejectedError(
      'NOT_CURRENT_STEP',
      `step ${name} is not the step to run next`,
    );
  }
  return step;
}

export function running(state: StartedSagaState, command: string) {
  return undoable<'Running'>(state, command, ['Running']);
}

export function compensating(state: StartedSagaState, command: string) {
  return undoable<'Compensating'>(state, command, ['Compensating']);
}

export function undoable<Status extends StartedSagaState['status']>(
  state: StartedSagaState,
  command: string,
  allowed: readonly Status[],
): Extract<StartedSagaState, { status: Status }> {
  if (!(allowed as readonly string[]).includes(state.status)) {
    throw new SagaCommandRejectedError(
      'WRONG_STATUS',
      `${command}: saga ${state.facts.sagaId} is ${state.status.toLowerCase()}`,
    );
  }
  return state as Extract<StartedSagaState, { status: Status }>;
}

export function requireStatus(
  state: StartedSagaState,
  command: string,
  status: StartedSagaState['status'],
  rule: string,
): void {
  if (state.status !== status) {
    throw new SagaCommandRejectedError(
      'WRONG_STATUS',
      `${command}: saga ${state.facts.sagaId} is ${state.status.toLowerCase()}; ${rule}`,
    );
  }
}

export function wrongAttempt(step: string, detail: string): SagaCommandRejectedError {
  return new SagaCommandRejectedError('WRONG_ATTEMPT', `step ${step} ${detail}`);
}

export function workRemains(detail: string): SagaCommandRejectedError {
  return new SagaCommandRejectedError('WORK_REMAINS', detail);
}
