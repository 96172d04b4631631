import { retryAfterInterruption, retryAt } from './backoff';
import { actionIdempotencyKey, compensationIdempotencyKey } from './idempotency-key';
import type { SagaCommand } from './saga.commands';
import { SagaCommandRejectedError } from './saga.errors';
import type { SagaEvent } from './saga.events';
import { compensatedSteps } from './saga.evolve';
import {
  compensating,
  requireCurrentStep,
  requireInFlight,
  requireNextAttempt,
  requireStatus,
  requireStep,
  running,
  undoable,
  workRemains,
  wrongAttempt,
} from './saga.preconditions';
import { stepResults, type SagaState } from './saga.state';
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
      const { attempt, cause, reason, errorKind } = command;
      // Once the saga is being undone, a failed attempt is not retried: the step is compensated.
      const next =
        saga.status !== 'Running'
          ? null
          : cause === 'interrupted'
            ? retryAfterInterruption(at, attempt, step.plan.retry)
            : retryAt(at, attempt, step.plan.retry);
      const parks = command.parks === false ? { parks: false as const } : {};
      return [
        {
          type: 'SagaStepFailed',
          data: {
            step: command.step,
            attempt,
            cause,
            reason,
            errorKind,
            retryAt: next,
            at,
            ...parks,
          },
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
      const { attempt, cause, reason, errorKind } = command;
      const next =
        cause === 'interrupted'
          ? retryAfterInterruption(at, attempt, step.plan.compensationRetry)
          : retryAt(at, attempt, step.plan.compensationRetry);
      return [
        {
          type: 'SagaCompensationFailed',
          data: { step: command.step, attempt, cause, reason, errorKind, retryAt: next, at },
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
      if (state.status !== 'Parked') {
        requireStatus(
          state,
          command.type,
          'Running',
          'only a running or parked saga can be aborted',
        );
      }
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
