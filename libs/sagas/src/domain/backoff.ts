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
