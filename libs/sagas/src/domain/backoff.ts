import type { RetryPolicy } from './saga.events';

/**
 * Wait after failed attempt `attempt` (1-based): doubling from `initialBackoffMs`, capped.
 * Deterministic, because it is decided once and recorded (SagaStepFailed.retryAt); workers do not
 * retry in lockstep anyway, since every saga fails and retries on its own schedule.
 */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** exponent);
}

/** When the next attempt may run, or null when `attempt` was the last one allowed. */
export function retryAt(at: string, attempt: number, policy: RetryPolicy): string | null {
  if (attempt >= policy.maxAttempts) return null;
  return new Date(Date.parse(at) + backoffMs(attempt, policy)).toISOString();
}

/**
 * Attempts a step may lose to its worker stopping (a crash, a lost lease) beyond its policy's
 * `maxAttempts`: an interrupted attempt says nothing about the step (its device operations repeat
 * harmlessly under the same idempotency key), so it does not use up the step's retries; a step
 * that brings its worker down every time still ends, after this many more.
 */
export const interruptionAllowance = 10;

/** When the attempt after an interrupted one may run, or null when interruptions used up the allowance too. */
export function retryAfterInterruption(
  at: string,
  attempt: number,
  policy: RetryPolicy,
): string | null {
  return retryAt(at, attempt, {
    ...policy,
    maxAttempts: policy.maxAttempts + interruptionAllowance,
  });
}
