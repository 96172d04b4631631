import { status } from '@grpc/grpc-js';
import { errorKinds, type ErrorKind } from './error-kind';

/** The one place that chooses the gRPC status code of an error kind. */
export function grpcStatusCodeOf(kind: ErrorKind): status {
  switch (kind) {
    case 'invalid-argument':
      return status.INVALID_ARGUMENT;
    case 'not-found':
      return status.NOT_FOUND;
    case 'already-exists':
      return status.ALREADY_EXISTS;
    case 'failed-precondition':
      return status.FAILED_PRECONDITION;
    case 'aborted':
      return status.ABORTED;
    case 'resource-exhausted':
      return status.RESOURCE_EXHAUSTED;
    case 'permission-denied':
      return status.PERMISSION_DENIED;
    case 'unauthenticated':
      return status.UNAUTHENTICATED;
    case 'unavailable':
      return status.UNAVAILABLE;
    case 'internal':
      return status.INTERNAL;
    default: {
      const unknownKind: never = kind;
      return unknownKind;
    }
  }
}

/**
 * The kind a gRPC status code stands for, read back through grpcStatusCodeOf (so there is no second
 * table); undefined for codes no kind maps to (CANCELLED, UNIMPLEMENTED, ...) and for non-codes.
 */
export function errorKindOfGrpcStatusCode(code: number): ErrorKind | undefined {
  return errorKinds.find((kind) => (grpcStatusCodeOf(kind) as number) === code);
}
