import { errorKindOf, type ErrorKind } from '@loom/errors';
import type { JsonValue } from '@loom/event-store';
import { unfinishedErrorKind } from '../domain/failure-error-kind';
import type { SagaNextCommand } from '../domain/next-command';
import type { SagaCommand } from '../domain/saga.commands';

export type AttemptOutcome =
  | { readonly kind: 'succeeded'; readonly result: JsonValue }
  | {
      readonly kind: 'failed';
      readonly cause: 'error' | 'timeout';
      readonly reason: string;
      readonly errorKind: ErrorKind;
      /** What the attempt threw (none when it timed out). */
      readonly error?: unknown;
    }
  /** The worker lost the saga meanwhile: nothing may be recorded. */
  | { readonly kind: 'abandoned' };

/**
 * Runs one attempt of an action or compensation. A slower attempt than `timeoutMs` counts as
 * failed, and its signal is aborted; a step that ignores the signal keeps running unobserved,
 * which is why its compensation is registered before it starts.
 */
export async function runAttempt(
  attempt: (signal: AbortSignal) => Promise<unknown>,
  timeoutMs: number,
  lost: AbortSignal,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onLost: (() => void) | undefined;
  const timedOut = new Promise<AttemptOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      const reason = `no outcome within ${timeoutMs} ms`;
      resolve({ kind: 'failed', cause: 'timeout', reason, errorKind: unfinishedErrorKind });
    }, timeoutMs);
  });
  const abandoned = new Promise<AttemptOutcome>((resolve) => {
    onLost = () => {
      controller.abort(new Error('the worker lost the saga'));
      resolve({ kind: 'abandoned' });
    };
    if (lost.aborted) onLost();
    else lost.addEventListener('abort', onLost, { once: true });
  });
  const ran = (async (): Promise<AttemptOutcome> => {
    try {
      return { kind: 'succeeded', result: toJsonResult(await attempt(controller.signal)) };
    } catch (error) {
      return {
        kind: 'failed',
        cause: 'error',
        reason: reasonOf(error),
        errorKind: errorKindOf(error),
        error,
      };
    }
  })();
  try {
    return await Promise.race([ran, timedOut, abandoned]);
  } finally {
    clearTimeout(timer);
    if (onLost) lost.removeEventListener('abort', onLost);
  }
}

/** What a later step reads back is what JSON keeps: undefined becomes null, Dates become strings. */
function toJsonResult(value: unknown): JsonValue {
  if (value === undefined) return null;
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? null : (JSON.parse(json) as JsonValue);
}

export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  // Reasons are recorded in events and shown on the dashboard; a stack-sized one is cut.
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** The command that records an attempt's outcome. */
export function outcomeCommand(
  of: 'action' | 'compensation',
  step: string,
  attempt: number,
  outcome: Exclude<AttemptOutcome, { kind: 'abandoned' }>,
  at: string,
  /** False when the step parks when exhausted, but not on this failure (SagaStep.parkWhen). */
  parks?: false,
): SagaCommand {
  if (outcome.kind === 'succeeded') {
    return of === 'action'
      ? { type: 'RecordStepSuccess', step, attempt, result: outcome.result, at }
      : { type: 'RecordCompensationSuccess', step, attempt, at };
  }
  const { cause, reason, errorKind } = outcome;
  return of === 'action'
    ? {
        type: 'RecordStepFailure',
        step,
        attempt,
        cause,
        reason,
        errorKind,
        at,
        ...(parks === false ? { parks } : {}),
      }
    : { type: 'RecordCompensationFailure', step, attempt, cause, reason, errorKind, at };
}

/** The command that records an attempt started and never recorded: its worker stopped. */
export function interruptionCommand(
  next: Extract<SagaNextCommand, { type: 'RecordInterruption' }>,
  at: string,
  /** The step parks only on some errors (SagaStep.parkWhen): an interruption threw none. */
  parksOnlyWhen: boolean,
): SagaCommand {
  const reason = 'the worker running this attempt stopped before recording its outcome';
  const { step, attempt } = next;
  const cause = 'interrupted';
  const errorKind = unfinishedErrorKind;
  return next.of === 'action'
    ? {
        type: 'RecordStepFailure',
        step,
        attempt,
        cause,
        reason,
        errorKind,
        at,
        ...(parksOnlyWhen ? { parks: false as const } : {}),
      }
    : { type: 'RecordCompensationFailure', step, attempt, cause, reason, errorKind, at };
}
