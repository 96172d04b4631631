import type { JsonValue } from '@loom/event-store';
import type { RetryPolicy } from '../domain/saga.events';
import type { SagaType } from './saga-type';

export type StepResults = Readonly<Record<string, JsonValue>>;

/** What a step's action or compensation gets. */
export interface StepContext<Input> {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly resourceKey: string;
  readonly input: Input;
  readonly step: string;
  /** Results of the steps that succeeded so far (a compensation also sees its own step's). */
  readonly results: StepResults;
  /**
   * Pass it with every device operation: the same for every attempt of this step (and, ending in
   * ':compensate', of its compensation), so the device can recognise a retry.
   */
  readonly idempotencyKey: string;
  readonly attempt: number;
  /** Aborted when the attempt times out or the worker loses the saga: stop and let go. */
  readonly signal: AbortSignal;
}

/**
 * One step. `compensation` must undo `action` and be a no-op when there is nothing to undo: it
 * also runs for a step whose action failed or timed out, since that action may have taken effect.
 */
export interface SagaStep<Input> {
  readonly name: string;
  /** The returned JSON value is recorded and shown to later steps as `results[name]`. */
  action(context: StepContext<Input>): Promise<JsonValue | undefined>;
  compensation(context: StepContext<Input>): Promise<void>;
  /** Longest an attempt may run; a slower attempt counts as failed. Default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly compensationTimeoutMs?: number;
  readonly compensationRetry?: Partial<RetryPolicy>;
  /**
   * What a failure out of attempts does: `compensate` (the default) undoes the saga; `park` stops
   * it where it is for an operator, who retries the step (one more attempt each time), aborts
   * (undo) or resolves it by hand. For a step whose failure is worth a person's look before undoing
   * work that took effect on other devices.
   */
  readonly onExhausted?: 'compensate' | 'park';
  /**
   * With `onExhausted: 'park'`, which failures park: the error the last attempt threw passes
   * this, or the saga is undone as by default (a timed-out or interrupted attempt threw nothing
   * and is undone). Judged when the attempt fails and recorded with it (SagaStepFailed.parks), so a
   * replay decides the same. Without it, every failure out of attempts parks.
   */
  parkWhen?(error: unknown): boolean;
  /** When true, the step is skipped (and recorded as skipped); judged once, when its turn comes. */
  skipWhen?(input: Input, results: StepResults): boolean;
}

/** A saga type and its steps; made with `defineSaga`, which checks it. */
export interface SagaDefinition<Input = JsonValue> extends SagaType<Input> {
  readonly steps: readonly SagaStep<Input>[];
}

/** A definition of any input type, as registries hold them. */
export type AnySagaDefinition = SagaDefinition<unknown>;

export const defaultStepTimeoutMs = 30_000;
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
};
/** Compensations get more tries than actions: giving up on one parks the saga for an operator. */
export const defaultCompensationRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
};
