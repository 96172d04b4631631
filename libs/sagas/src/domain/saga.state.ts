import type { JsonValue } from '@loom/event-store';
import type { FailureCause, OperatorAction, SagaError, SagaPhase, StepPlan } from './saga.events';

export type ActionState =
  | { readonly status: 'Pending' }
  | { readonly status: 'Skipped' }
  /** Started and not yet recorded: running now, or its worker died. */
  | { readonly status: 'InFlight'; readonly attempt: number }
  | {
      readonly status: 'Failed';
      readonly attempt: number;
      readonly cause: FailureCause;
      readonly reason: string;
      /** Null: no further attempt. */
      readonly retryAt: string | null;
    }
  | { readonly status: 'Succeeded'; readonly attempt: number; readonly result: JsonValue };

export type CompensationState =
  /** The action never started, so there is nothing to undo. */
  | { readonly status: 'NotRegistered' }
  /** Due if the saga is undone; no attempt in this round yet. */
  | { readonly status: 'Registered' }
  | { readonly status: 'InFlight'; readonly attempt: number }
  | {
      readonly status: 'Failed';
      readonly attempt: number;
      readonly cause: FailureCause;
      readonly reason: string;
      readonly retryAt: string | null;
    }
  | { readonly status: 'Compensated'; readonly attempt: number };

export interface StepState {
  readonly plan: StepPlan;
  readonly action: ActionState;
  readonly compensation: CompensationState;
}

export interface SagaFacts {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly resourceKey: string;
  readonly input: JsonValue;
  readonly startedAt: string;
}

interface Started {
  readonly facts: SagaFacts;
  /** In plan order, which is the order actions run in. */
  readonly steps: readonly StepState[];
}

export type SagaState =
  | { readonly status: 'NotStarted' }
  | (Started & { readonly status: 'Running' })
  | (Started & { readonly status: 'Compensating'; readonly error: SagaError })
  | (Started & { readonly status: 'Completed' })
  | (Started & {
      readonly status: 'Failed';
      readonly error: SagaError;
      readonly compensated: readonly string[];
      /** Set when an operator resolved the saga instead of its compensations finishing. */
      readonly resolution: OperatorAction | null;
    })
  | (Started & {
      readonly status: 'Parked';
      /** Null when parked while running forward (e.g. this build lacks one of its steps). */
      readonly error: SagaError | null;
      readonly parked: {
        readonly step: string | null;
        readonly reason: string;
        readonly phase: SagaPhase;
      };
    });

export type StartedSagaState = Exclude<SagaState, { status: 'NotStarted' }>;

/** Results of the steps that succeeded, by step name: what later steps and compensations read. */
export function stepResults(steps: readonly StepState[]): Record<string, JsonValue> {
  const results: Record<string, JsonValue> = {};
  for (const step of steps) {
    if (step.action.status === 'Succeeded') results[step.plan.name] = step.action.result;
  }
  return results;
}
