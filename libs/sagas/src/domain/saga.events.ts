import type { ErrorKind } from '@loom/errors';
import type { JsonValue } from '@loom/event-store';

/** Events as the saga decider sees them: the type literal is the stored event type. */
export interface SagaEventOf<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

/** How often a step (or its compensation) is tried, and how long to wait between tries. */
export type RetryPolicy = {
  /** Tries in all, the first included: 1 means no retry. */
  readonly maxAttempts: number;
  /** Wait after the first failure; it doubles after each further failure. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
};

/**
 * A step's policies as they were when the saga started. Recorded in SagaStarted so that a saga
 * resumes with the rules it started with, and so that the decisions need nothing but the stream.
 */
export type StepPlan = {
  readonly name: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly compensationTimeoutMs: number;
  readonly compensationRetry: RetryPolicy;
  /** `park`: out of attempts, the saga parks for an operator instead of undoing (absent: it undoes). */
  readonly onExhausted?: 'park';
};

/** `interrupted`: the worker running the attempt stopped (crashed, lost its lease) before recording it. */
export type FailureCause = 'error' | 'timeout' | 'interrupted';

/**
 * Why a saga is being undone: a step out of retries, or an operator's abort. `errorKind` is the
 * failure in Loom's error taxonomy (see SagaStepFailed); an abort is always `aborted`.
 */
export type SagaError =
  | {
      readonly kind: 'step-failed';
      readonly step: string;
      readonly attempt: number;
      readonly cause: FailureCause;
      readonly reason: string;
      readonly errorKind: ErrorKind;
    }
  | {
      readonly kind: 'aborted';
      readonly actor: string;
      readonly reason: string;
      readonly errorKind: 'aborted';
    };

/** Who did something from the dashboard, and why. */
export type OperatorAction = {
  readonly actor: string;
  readonly reason: string;
  readonly at: string;
};

export type SagaPhase = 'running' | 'compensating';

export type SagaStarted = SagaEventOf<
  'SagaStarted',
  {
    readonly sagaId: string;
    readonly sagaType: string;
    readonly resourceKey: string;
    readonly input: JsonValue;
    readonly steps: readonly StepPlan[];
    readonly startedAt: string;
  }
>;
/** The step's skip predicate held; recorded so that a changed predicate cannot change history. */
export type SagaStepSkipped = SagaEventOf<
  'SagaStepSkipped',
  { readonly step: string; readonly at: string }
>;
/**
 * An attempt of the action is about to run. This registers the step's compensation first: an
 * action that times out or whose worker dies may still have taken effect on the device.
 */
export type SagaStepStarted = SagaEventOf<
  'SagaStepStarted',
  {
    readonly step: string;
    readonly attempt: number;
    readonly idempotencyKey: string;
    readonly compensationIdempotencyKey: string;
    readonly startedAt: string;
  }
>;
export type SagaStepSucceeded = SagaEventOf<
  'SagaStepSucceeded',
  {
    readonly step: string;
    readonly attempt: number;
    readonly result: JsonValue;
    readonly at: string;
  }
>;
/**
 * `retryAt` null: no attempt follows (out of retries, or the saga is already being undone).
 * `errorKind` (schema version 2) is the kind of what the attempt threw (`errorKindOf`: a
 * LoomError's kind, `internal` for anything else); `unavailable` for a timeout or an interruption.
 */
export type SagaStepFailed = SagaEventOf<
  'SagaStepFailed',
  {
    readonly step: string;
    readonly attempt: number;
    readonly cause: FailureCause;
    readonly reason: string;
    readonly errorKind: ErrorKind;
    readonly retryAt: string | null;
    readonly at: string;
    /**
     * False when the step parks when exhausted (`onExhausted: 'park'`) but not on this failure
     * (its `parkWhen` said no): out of attempts, the saga is undone. Absent: the plan decides.
     */
    readonly parks?: false;
  }
>;
export type SagaCompensationStarted = SagaEventOf<
  'SagaCompensationStarted',
  {
    readonly step: string;
    readonly attempt: number;
    readonly idempotencyKey: string;
    readonly startedAt: string;
  }
>;
export type SagaStepCompensated = SagaEventOf<
  'SagaStepCompensated',
  { readonly step: string; readonly attempt: number; readonly at: string }
>;
/** `retryAt` null: out of retries; the saga parks next. `errorKind` as in SagaStepFailed. */
export type SagaCompensationFailed = SagaEventOf<
  'SagaCompensationFailed',
  {
    readonly step: string;
    readonly attempt: number;
    readonly cause: FailureCause;
    readonly reason: string;
    readonly errorKind: ErrorKind;
    readonly retryAt: string | null;
    readonly at: string;
  }
>;
export type SagaCompleted = SagaEventOf<
  'SagaCompleted',
  { readonly results: Readonly<Record<string, JsonValue>>; readonly at: string }
>;
/** Every registered compensation ran; `error` is what made the saga undo itself. */
export type SagaFailed = SagaEventOf<
  'SagaFailed',
  { readonly error: SagaError; readonly compensated: readonly string[]; readonly at: string }
>;
/** Needs an operator: the device may be half-configured. Never dropped, never retried on its own. */
export type SagaParked = SagaEventOf<
  'SagaParked',
  {
    readonly step: string | null;
    readonly reason: string;
    readonly phase: SagaPhase;
    readonly error: SagaError | null;
    readonly at: string;
  }
>;
/** The operator fixed the cause: the parked work gets a fresh set of attempts. */
export type SagaRetried = SagaEventOf<'SagaRetried', OperatorAction>;
/** The operator stopped a running saga: what it did so far is undone. */
export type SagaAborted = SagaEventOf<'SagaAborted', OperatorAction>;
/** The operator cleaned up a parked saga by hand: it ends failed, nothing more runs. */
export type SagaResolved = SagaEventOf<'SagaResolved', OperatorAction>;

export type SagaEvent =
  | SagaStarted
  | SagaStepSkipped
  | SagaStepStarted
  | SagaStepSucceeded
  | SagaStepFailed
  | SagaCompensationStarted
  | SagaStepCompensated
  | SagaCompensationFailed
  | SagaCompleted
  | SagaFailed
  | SagaParked
  | SagaRetried
  | SagaAborted
  | SagaResolved;

export type SagaEventType = SagaEvent['type'];
