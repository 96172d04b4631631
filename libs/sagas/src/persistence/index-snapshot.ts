import { nextCommand } from '../domain/next-command';
import { describeSagaError, parkedMessage } from '../domain/saga-outcome';
import { compensationTarget, currentStep, inFlightAction } from '../domain/saga-cursor';
import type { SagaState } from '../domain/saga.state';
import type { SagaStatus } from './saga-status';

/** What the index row of a saga says, derived from the state folded from its stream. */
export interface IndexSnapshot {
  readonly status: SagaStatus;
  readonly currentStep: string | null;
  readonly lastError: string | null;
  /** When a worker should next look at it; null when nothing runs by itself. */
  readonly nextRunAt: Date | null;
}

export function indexSnapshot(state: SagaState, now: Date): IndexSnapshot {
  switch (state.status) {
    case 'NotStarted':
      return { status: 'waiting', currentStep: null, lastError: null, nextRunAt: now };
    case 'Running': {
      const step = currentStep(state);
      const action = step?.action;
      const lastError =
        action?.status === 'Failed'
          ? `attempt ${action.attempt} failed (${action.cause}): ${action.reason}`
          : null;
      return {
        status: 'running',
        currentStep: step?.plan.name ?? null,
        lastError,
        nextRunAt: runAt(state, now),
      };
    }
    case 'Compensating':
      return {
        status: 'compensating',
        currentStep: (inFlightAction(state) ?? compensationTarget(state))?.plan.name ?? null,
        lastError: describeSagaError(state.error),
        nextRunAt: runAt(state, now),
      };
    case 'Completed':
      return { status: 'completed', currentStep: null, lastError: null, nextRunAt: null };
    case 'Failed':
      return {
        status: 'failed',
        currentStep: null,
        lastError: describeSagaError(state.error),
        nextRunAt: null,
      };
    case 'Parked':
      return {
        status: 'parked',
        currentStep: state.parked.step,
        lastError: parkedMessage(state.error, state.parked.reason),
        nextRunAt: null,
      };
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}

function runAt(state: SagaState, now: Date): Date {
  const next = nextCommand(state, { now });
  return next.type === 'Wait' ? new Date(next.until) : now;
}
