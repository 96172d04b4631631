import { retryAt } from './backoff';
import { actionIdempotencyKey, compensationIdempotencyKey } from './idempotency-key';
import type { SagaCommand } from './saga.commands';
import { SagaCommandRejectedError } from './saga.errors';
import type { SagaEvent } from './saga.events';
import { compensatedSteps } from './saga.evolve';
import { stepResults, type SagaState, type StartedSagaState, type StepState } from './saga.state';
import { compensationTarget, currentStep, inFlightAction } from './saga-cursor';

/**
 * Records what a worker or an operator reports, after checking that it fits the saga's state.
 * A worker acting on a stale view is refused here even before its append meets the expected
 * revision; an operator asking for something the status does not allow gets a clear reason.
 */
export function decideSaga(command: SagaCommand, state: SagaState): SagaEvent[] {
  if (command.type === 'StartSaga') {
    const { type: _type, at, ...started } = command;
    if (state.status === 'NotStarted') {
      return [{ type: 'SagaStarted', data: { ...started, startedAt: at } }];
    }
    if (state.facts.sagaId === command.sagaId) return [];
    throw new SagaCommandRejectedError(
      'ALREADY_STARTED',
      `the stream holds saga ${state.facts.sagaId}`,
    );
  }
  if (state.status === 'NotStarted') {
    throw new SagaCommandRejectedError('NOT_STARTED', `${command.type}: the saga has not started`);
  }
  const { at } = command;
  switch (command.type) {
    case 'SkipStep': {
      const step = requireCurrentStep(running(state, command.type), command.step);
      if (step.action.status !== 'Pending') throw wrongAttempt(command.step, 'has already started');
      return [{ type: 'SagaStepSkipped', data: { step: command.step, at } }];
    }
    case 'StartStep': {
      const saga = running(state, command.type);
      const step = requireCurrentStep(saga, command.step);
      requireNextAttempt(command.step, step.action, command.attempt, at);
      const { sagaId } = saga.facts;
      return [
        {
          type: 'SagaStepStarted',
          data: {
            step: command.step,
            attempt: command.attempt,
            idempotencyKey: actionIdempotencyKey(sagaId, command.step),
            compensationIdempotencyKey: compensationIdempotencyKey(sagaId, command.step),
            startedAt: at,
          },
        },
      ];
    }
    case 'RecordStepSuccess': {
      const step = requireStep(running(state, command.type), command.step);
      requireInFlight(command.step, step.action, command.attempt);
      const { attempt, result } = command;
      return [{ type: 'SagaStepSucceeded', data: { step: command.step, attempt, result, at } }];
    }
    case 'RecordStepFailure': {
      const saga = undoable(state, command.type, ['Running', 'Compensating']);
      const step = requireStep(saga, command.step);
      requireInFlight(command.step, step.action, command.attempt);
      const { attempt, cause, reason } = command;
      // Once the saga is being undone, a failed attempt is not retried: the step is compensated.
      const next = saga.status === 'Running' ? retryAt(at, attempt, step.plan.retry) : null;
      return [
        {
          type: 'SagaStepFailed',
          data: { step: command.step, attempt, cause, reason, retryAt: next, at },
        },
      ];
    }
    case 'StartCompensation': {
      const saga = compensating(state, command.type);
      const target = compensationTarget(saga);
      if (inFlightAction(saga) || target?.plan.name !== command.step) {
        throw new SagaCommandRejectedError(
          'NOT_CURRENT_STEP',
          `step ${command.step} is not the next one to compensate`,
        );
      }
      requireNextAttempt(command.step, target.compensation, command.attempt, at);
      return [
        {
          type: 'SagaCompensationStarted',
          data: {
            step: command.step,
            attempt: command.attempt,
            idempotencyKey: compensationIdempotencyKey(saga.facts.sagaId, command.step),
            startedAt: at,
          },
        },
      ];
    }
    case 'RecordCompensationSuccess': {
      const step = requireStep(compensating(state, command.type), command.step);
      requireInFlight(command.step, step.compensation, command.attempt);
      return [
        { type: 'SagaStepCompensated', data: { step: command.step, attempt: command.attempt, at } },
      ];
    }
    case 'RecordCompensationFailure': {
      const step = requireStep(compensating(state, command.type), command.step);
      requireInFlight(command.step, step.compensation, command.attempt);
      const { attempt, cause, reason } = command;
      const next = retryAt(at, attempt, step.plan.compensationRetry);
      return [
        {
          type: 'SagaCompensationFailed',
          data: { step: command.step, attempt, cause, reason, retryAt: next, at },
        },
      ];
    }
    case 'CompleteSaga': {
      const saga = running(state, command.type);
      const pending = currentStep(saga);
      if (pending) throw workRemains(`step ${pending.plan.name} has not succeeded`);
      return [{ type: 'SagaCompleted', data: { results: stepResults(saga.steps), at } }];
    }
    case 'FailSaga': {
      const saga = compensating(state, command.type);
      const pending = inFlightAction(saga) ?? compensationTarget(saga);
      if (pending) throw workRemains(`step ${pending.plan.name} is not compensated`);
      return [
        {
          type: 'SagaFailed',
          data: { error: saga.error, compensated: compensatedSteps(saga.steps), at },
        },
      ];
    }
    case 'ParkSaga': {
      const saga = undoable(state, command.type, ['Running', 'Compensating']);
      const { step, reason } = command;
      const phase = saga.status === 'Running' ? 'running' : 'compensating';
      const error = saga.status === 'Compensating' ? saga.error : null;
      return [{ type: 'SagaParked', data: { step, reason, phase, error, at } }];
    }
    case 'RetrySaga':
      requireStatus(state, command.type, 'Parked', 'only a parked saga can be retried');
      return [{ type: 'SagaRetried', data: { actor: command.actor, reason: command.reason, at } }];
    case 'AbortSaga':
      requireStatus(state, command.type, 'Running', 'only a running saga can be aborted');
      return [{ type: 'SagaAborted', data: { actor: command.actor, reason: command.reason, at } }];
    case 'ResolveSaga':
      requireStatus(state, command.type, 'Parked', 'only a parked saga can be resolved');
      return [{ type: 'SagaResolved', data: { actor: command.actor, reason: command.reason, at } }];
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

type AttemptState =
  | { readonly status: 'Pending' | 'Registered' | 'Skipped' | 'NotRegistered' }
  | { readonly status: 'InFlight' | 'Succeeded' | 'Compensated'; readonly attempt: number }
  | { readonly status: 'Failed'; readonly attempt: number; readonly retryAt: string | null };

/** Attempt 1 of something not yet tried, or the attempt after a failure whose retry time came. */
function requireNextAttempt(
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

function requireInFlight(step: string, current: AttemptState, attempt: number): void {
  if (current.status !== 'InFlight' || current.attempt !== attempt) {
    throw wrongAttempt(step, `has no attempt ${attempt} in flight`);
  }
}

function requireStep(saga: StartedSagaState, name: string): StepState {
  const step = saga.steps.find((candidate) => candidate.plan.name === name);
  if (!step) throw new SagaCommandRejectedError('UNKNOWN_STEP', `the saga has no step ${name}`);
  return step;
}

function requireCurrentStep(saga: StartedSagaState, name: string): StepState {
  const step = requireStep(saga, name);
  if (currentStep(saga) !== step) {
    throw new SagaCommandRejectedError(
      'NOT_CURRENT_STEP',
      `step ${name} is not the step to run next`,
    );
  }
  return step;
}

function running(state: StartedSagaState, command: string) {
  return undoable<'Running'>(state, command, ['Running']);
}

function compensating(state: StartedSagaState, command: string) {
  return undoable<'Compensating'>(state, command, ['Compensating']);
}

function undoable<Status extends StartedSagaState['status']>(
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

function requireStatus(
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

function wrongAttempt(step: string, detail: string): SagaCommandRejectedError {
  return new SagaCommandRejectedError('WRONG_ATTEMPT', `step ${step} ${detail}`);
}

function workRemains(detail: string): SagaCommandRejectedError {
  return new SagaCommandRejectedError('WORK_REMAINS', detail);
}
