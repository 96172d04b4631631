import type { ErrorKind } from '@loom/errors';
import type { SagaError } from '@loom/sagas';

/**
 * The error kind a failed port saga gives its operation, read from the kind the saga recorded for
 * its failure (SagaError.errorKind; see errorKindOfDeviceFailure): a device at its capacity is
 * `resource-exhausted`; anything else means the fabric could not do it now, `unavailable`.
 */
export function fabricFailureKind(error: Pick<SagaError, 'errorKind'> | undefined): ErrorKind {
  return error?.errorKind === 'resource-exhausted' ? 'resource-exhausted' : 'unavailable';
}
