import type { ErrorKind } from '@loom/errors';

/** The error a SagaFailed event records, as much of it as this needs. */
export interface RecordedSagaError {
  readonly reason?: string;
}

/**
 * The error kind a failed port saga gives its operation: a device at its capacity is
 * `resource-exhausted`; anything else means the fabric could not do it now, `unavailable`.
 *
 * Stopgap: SagaFailed records no typed kind yet, only the failed step's error text, in which
 * DeviceOperationError names the device's refusal reason, `... failed (capacity): ...`. This is
 * the one place that reads it; once the sagas lib records a kind on SagaFailed, read that here.
 */
export function fabricFailureKind(error: RecordedSagaError | undefined): ErrorKind {
  return error?.reason?.includes('(capacity)') === true ? 'resource-exhausted' : 'unavailable';
}
