import type { JsonValue } from '@loom/event-store';
import { actionIdempotencyKey, compensationIdempotencyKey } from './idempotency-key';
import type { SagaError } from './saga.events';
import { stepResults, type SagaState, type StartedSagaState } from './saga.state';
import { compensationTarget, currentStep, inFlightAction } from './saga-cursor';

/** What a worker holding the saga does next. */
export type SagaNextCommand =
  /** The stream is empty: record SagaStarted from the saga's index entry. */
  | { readonly type: 'StartSaga' }
  | { readonly type: 'SkipStep'; readonly step: string }
  | {
      readonly type: 'RunStep';
      readonly step: string;
      readonly attempt: number;
      readonly idempotencyKey: string;
      readonly timeoutMs: number;
    }
  /** An attempt was started and never recorded: its worker died. Record it as failed first. */
  | {
      readonly type: 'RecordInterruption';
      readonly of: 'action' | 'compensation';
      readonly step: string;
      readonly attempt: number;
    }
  /** A retry backoff: nothing to do before `until`. */
  | { readonly type: 'Wait'; readonly until: string }
  | {
      readonly type: 'CompensateStep';
      readonly step: string;
      readonly attempt: number;
      readonly idempotencyKey: string;
      readonly timeoutMs: number;
    }
  | { readonly type: 'CompleteSaga' }
  | { readonly type: 'FailSaga'; readonly error: SagaError }
  | { readonly type: 'ParkSaga'; readonly step: string; readonly reason: string }
  /** Completed, failed or parked: nothing runs until an operator acts on a parked saga. */
  | { readonly type: 'Nothing'; readonly status: 'Completed' | 'Failed' | 'Parked' };

export interface NextCommandOptions {
  readonly now: Date;
  /** The definition's skip predicates; steps are never skipped without one. */
  readonly shouldSkip?: (
    step: string,
    input: JsonValue,
    results: Readonly<Record<string, JsonValue>>,
  ) => boolean;
}

/** Pure: from the state folded from the saga's stream (and the clock), the one thing to do next. */
export function nextCommand(state: SagaState, options: NextCommandOptions): SagaNextCommand {
  switch (state.status) {
    case 'NotStarted':
      return { type: 'StartSaga' };
    case 'Running':
      return nextForward(state, options);
    case 'Compensating':
      return nextBackward(state, options.now);
    case 'Completed':
    case 'Failed':
    case 'Parked':
      return { type: 'Nothing', status: state.status };
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}

function nextForward(
  saga: StartedSagaState,
  { now, shouldSkip }: NextCommandOptions,
): SagaNextCommand {
  const step = currentStep(saga);
  if (!step) return { type: 'CompleteSaga' };
  const { name, timeoutMs } = step.plan;
  const run = (attempt: number): SagaNextCommand => ({
    type: 'RunStep',
    step: name,
    attempt,
    idempotencyKey: actionIdempotencyKey(saga.facts.sagaId, name),
    timeoutMs,
  });
  const { action } = step;
  switch (action.status) {
    case 'Pending':
      return shouldSkip?.(name, saga.facts.input, stepResults(saga.steps))
        ? { type: 'SkipStep', step: name }
        : run(1);
    case 'InFlight':
      return { type: 'RecordInterruption', of: 'action', step: name, attempt: action.attempt };
    case 'Failed':
      if (action.retryAt === null) {
        // evolve turns a final failure into Compensating unless the step parks when exhausted.
        if (step.plan.onExhausted !== 'park') {
          throw new Error(`saga ${saga.facts.sagaId} is running with step ${name} out of retries`);
        }
        return {
          type: 'ParkSaga',
          step: name,
          reason: `step ${name} failed ${action.attempt} time(s), the last with ${action.cause}: ${action.reason}`,
        };
      }
      return due(action.retryAt, now)
        ? run(action.attempt + 1)
        : { type: 'Wait', until: action.retryAt };
    case 'Succeeded':
    case 'Skipped':
      throw new Error(`step ${name} is done but was picked as current`);
    default: {
      const exhaustive: never = action;
      return exhaustive;
    }
  }
}

function nextBackward(
  saga: Extract<SagaState, { status: 'Compensating' }>,
  now: Date,
): SagaNextCommand {
  // An action attempt whose outcome was never recorded is recorded as interrupted first, so its
  // compensation never runs while the history still says the action is running.
  const interrupted = inFlightAction(saga);
  if (interrupted && interrupted.action.status === 'InFlight') {
    return {
      type: 'RecordInterruption',
      of: 'action',
      step: interrupted.plan.name,
      attempt: interrupted.action.attempt,
    };
  }
  const step = compensationTarget(saga);
  if (!step) return { type: 'FailSaga', error: saga.error };
  const { name, compensationTimeoutMs } = step.plan;
  const compensate = (attempt: number): SagaNextCommand => ({
    type: 'CompensateStep',
    step: name,
    attempt,
    idempotencyKey: compensationIdempotencyKey(saga.facts.sagaId, name),
    timeoutMs: compensationTimeoutMs,
  });
  const { compensation } = step;
  switch (compensation.status) {
    case 'Registered':
      return compensate(1);
    case 'InFlight':
      return {
        type: 'RecordInterruption',
        of: 'compensation',
        step: name,
        attempt: compensation.attempt,
      };
    case 'Failed':
      if (compensation.retryAt === null) {
        return {
          type: 'ParkSaga',
          step: name,
          reason: `compensation of step ${name} failed ${compensation.attempt} time(s), the last with ${compensation.cause}: ${compensation.reason}`,
        };
      }
      return due(compensation.retryAt, now)
        ? compensate(compensation.attempt + 1)
        : { type: 'Wait', until: compensation.retryAt };
    case 'NotRegistered':
    case 'Compensated':
      throw new Error(`step ${name} has nothing to compensate but was picked`);
    default: {
      const exhaustive: never = compensation;
      return exhaustive;
    }
  }
}

function due(retryAt: string, now: Date): boolean {
  return Date.parse(retryAt) <= now.getTime();
}
