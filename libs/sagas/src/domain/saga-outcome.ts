import type { JsonValue } from '@loom/event-store';
import type { OperatorAction, SagaError } from './saga.events';
import { stepResults, type SagaState } from './saga.state';

/** How a saga ended (or stopped to wait for an operator), as waitFor reports it. */
export type SagaOutcome =
  | { readonly status: 'completed'; readonly results: Readonly<Record<string, JsonValue>> }
  | {
      readonly status: 'failed';
      readonly error: SagaError;
      /** The error in words, for logs and the dashboard. */
      readonly message: string;
      readonly compensated: readonly string[];
      readonly resolution: OperatorAction | null;
    }
  | {
      readonly status: 'parked';
      readonly step: string | null;
      readonly reason: string;
      readonly error: SagaError | null;
      readonly message: string;
    };

/** The outcome of a saga that is completed, failed or parked; undefined while it still runs. */
export function sagaOutcome(state: SagaState): SagaOutcome | undefined {
  switch (state.status) {
    case 'Completed':
      return { status: 'completed', results: stepResults(state.steps) };
    case 'Failed':
      return {
        status: 'failed',
        error: state.error,
        message: describeSagaError(state.error),
        compensated: state.compensated,
        resolution: state.resolution,
      };
    case 'Parked': {
      const { step, reason } = state.parked;
      return {
        status: 'parked',
        step,
        reason,
        error: state.error,
        message: parkedMessage(state.error, reason),
      };
    }
    default:
      return undefined;
  }
}

export function describeSagaError(error: SagaError): string {
  if (error.kind === 'aborted') return `aborted by ${error.actor}: ${error.reason}`;
  const how = error.cause === 'error' ? '' : ` (${error.cause})`;
  return `step ${error.step} failed on attempt ${error.attempt}${how}: ${error.reason}`;
}

export function parkedMessage(error: SagaError | null, reason: string): string {
  return `parked${error ? ` while undoing (${describeSagaError(error)})` : ''}: ${reason}`;
}
