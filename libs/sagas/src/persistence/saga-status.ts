/**
 * A saga as the dashboard lists it. `waiting`: not started yet, queued behind an earlier
 * unfinished saga of the same resource key (or not yet picked up). A retry backoff does not
 * change the status: it shows as `nextRunAt`.
 */
export type SagaStatus = 'waiting' | 'running' | 'compensating' | 'completed' | 'failed' | 'parked';

export const sagaStatuses: readonly SagaStatus[] = [
  'waiting',
  'running',
  'compensating',
  'completed',
  'failed',
  'parked',
];

/** Statuses after which nothing more happens to a saga. Parked is not one: an operator decides. */
export function isFinished(status: SagaStatus): boolean {
  return status === 'completed' || status === 'failed';
}
