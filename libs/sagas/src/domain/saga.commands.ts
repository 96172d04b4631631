import type { ErrorKind } from '@loom/errors';
import type { JsonValue } from '@loom/event-store';
import type { FailureCause, StepPlan } from './saga.events';

/**
 * What a worker (or an operator) asks the saga decider to record. `at` is the worker's clock,
 * passed in so that the decisions stay pure.
 */
export type SagaCommand =
  | {
      readonly type: 'StartSaga';
      readonly sagaId: string;
      readonly sagaType: string;
      readonly resourceKey: string;
      readonly input: JsonValue;
      readonly steps: readonly StepPlan[];
      readonly at: string;
    }
  | { readonly type: 'SkipStep'; readonly step: string; readonly at: string }
  | {
      readonly type: 'StartStep';
      readonly step: string;
      readonly attempt: number;
      readonly at: string;
    }
  | {
      readonly type: 'RecordStepSuccess';
      readonly step: string;
      readonly attempt: number;
      readonly result: JsonValue;
      readonly at: string;
    }
  | {
      readonly type: 'RecordStepFailure';
      readonly step: string;
      readonly attempt: number;
      readonly cause: FailureCause;
      readonly reason: string;
      readonly errorKind: ErrorKind;
      readonly at: string;
      /** False: the step parks when exhausted, but not on this failure (SagaStep.parkWhen). */
      readonly parks?: false;
    }
  | {
      readonly type: 'StartCompensation';
      readonly step: string;
      readonly attempt: number;
      readonly at: string;
    }
  | {
      readonly type: 'RecordCompensationSuccess';
      readonly step: string;
      readonly attempt: number;
      readonly at: string;
    }
  | {
      readonly type: 'RecordCompensationFailure';
      readonly step: string;
      readonly attempt: number;
      readonly cause: FailureCause;
      readonly reason: string;
      readonly errorKind: ErrorKind;
      readonly at: string;
    }
  | { readonly type: 'CompleteSaga'; readonly at: string }
  | { readonly type: 'FailSaga'; readonly at: string }
  | {
      readonly type: 'ParkSaga';
      readonly step: string | null;
      readonly reason: string;
      readonly at: string;
    }
  | {
      readonly type: 'RetrySaga';
      readonly actor: string;
      readonly reason: string;
      readonly at: string;
    }
  | {
      readonly type: 'AbortSaga';
      readonly actor: string;
      readonly reason: string;
      readonly at: string;
    }
  | {
      readonly type: 'ResolveSaga';
      readonly actor: string;
      readonly reason: string;
      readonly at: string;
    };
