import { RpcException } from '@nestjs/microservices';
import { type StatusDetails } from '@loom/api-contract';
import { resourceTypeOf } from '@loom/names';
import {
  EventIdConflictError,
  EventStoreError,
  WrongExpectedRevisionError,
} from '@loom/event-store';
import {
  AbortedError,
  AlreadyExistsError,
  errorKindOf,
  errorKindOfGrpcStatusCode,
  FailedPreconditionError,
  grpcStatusCodeOf,
  InvalidArgumentError,
  LoomError,
  NotFoundError,
  ResourceExhaustedError,
  type ErrorKind,
} from '@loom/errors';

/** The `domain` of Loom's google.rpc.ErrorInfo details. */
export const ERROR_DOMAIN = 'loom';

export interface GrpcStatus {
  /** A grpc-js `status` value, always from grpcStatusCodeOf. */
  readonly code: number;
  readonly message: string;
  readonly details: StatusDetails;
}

/** An error as a caller is told about it, before the transport picks its status code. */
interface Refusal {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly details: StatusDetails;
}

/** What a caller gets for a failure Loom did not expect: nothing about its insides. */
export const INTERNAL_STATUS: GrpcStatus = {
  code: grpcStatusCodeOf('internal'),
  message: 'internal error',
  details: {},
};

/**
 * The gRPC status for an error raised on purpose (a LoomError, an event store refusal, an
 * RpcException carrying a status) or for a lost database connection (UNAVAILABLE); undefined for
 * anything else, which is a bug and INTERNAL.
 */
export function grpcStatusOf(error: unknown): GrpcStatus | undefined {
  const refusal = refusalOf(error);
  if (refusal === undefined) return undefined;
  const { kind, message, details } = refusal;
  return { code: grpcStatusCodeOf(kind), message, details };
}

function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof LoomError) {
    return { kind: error.kind, message: error.message, details: detailsOf(error) };
  }
  if (error instanceof EventStoreError) return eventStoreRefusal(error);
  if (error instanceof RpcException) return rpcExceptionRefusal(error);
  // A lost or refused database connection (errorKindOf classifies it): the call may succeed later.
  if (errorKindOf(error) === 'unavailable') {
    return {
      kind: 'unavailable',
      message: 'the database cannot be reached: retry later',
      details: {},
    };
  }
  return undefined;
}

/** The google.rpc details of a typed error: those of its kind, when it carries their fields. */
function detailsOf(error: LoomError): StatusDetails {
  const { message } = error;
  switch (error.kind) {
    case 'invalid-argument':
      return error instanceof InvalidArgumentError
        ? {
            badRequest: {
              fieldViolations: error.violations.map(({ field, description }) => ({
                field,
                description,
                reason: '',
              })),
            },
          }
        : {};
    case 'not-found':
    case 'already-exists': {
      const resourceName =
        error instanceof NotFoundError || error instanceof AlreadyExistsError
          ? error.resourceName
          : '';
      return {
        resourceInfo: {
          resourceType: resourceTypeOf(resourceName) ?? '',
          resourceName,
          owner: '',
          description: message,
        },
      };
    }
    case 'failed-precondition':
      return error instanceof FailedPreconditionError
        ? {
            preconditionFailure: {
              violations: [
                { type: error.type, subject: error.subject, description: error.description },
              ],
            },
          }
        : {};
    case 'aborted':
      return error instanceof AbortedError
        ? {
            errorInfo: {
              reason: error.reason,
              domain: ERROR_DOMAIN,
              metadata: { resource: error.resourceName },
            },
          }
        : {};
    case 'resource-exhausted':
      return error instanceof ResourceExhaustedError
        ? {
            quotaFailure: {
              violations: [{ subject: error.subject, description: error.description }],
            },
          }
        : {};
    case 'permission-denied':
    case 'unauthenticated':
    case 'unavailable':
      return {};
    default: {
      const exhaustive: never = error.kind;
      return exhaustive;
    }
  }
}

/**
 * Normally the application turns event store refusals into LoomErrors with resource names; these
 * are the answers when one gets through. The stream names inside stay inside.
 */
function eventStoreRefusal(error: EventStoreError): Refusal {
  if (error instanceof WrongExpectedRevisionError) {
    return {
      kind: 'aborted',
      message: 'the resource was changed concurrently: read it again and retry',
      details: { errorInfo: { reason: 'CONCURRENT_CHANGE', domain: ERROR_DOMAIN, metadata: {} } },
    };
  }
  if (error instanceof EventIdConflictError) {
    const description = 'was already used for a different request';
    return {
      kind: 'invalid-argument',
      message: `request_id: ${description}`,
      details: {
        badRequest: { fieldViolations: [{ field: 'request_id', description, reason: '' }] },
      },
    };
  }
  // The remaining ones refuse bad input: malformed or oversized events, bad names or revisions.
  return { kind: 'invalid-argument', message: error.message, details: {} };
}

/**
 * Loom raises no RpcException; one from a library is read back into its kind, so that the code
 * sent is still grpcStatusCodeOf's. A code outside Loom's kinds (UNIMPLEMENTED, ...) is a bug.
 */
function rpcExceptionRefusal(exception: RpcException): Refusal | undefined {
  const error = exception.getError();
  if (typeof error !== 'object' || !('code' in error) || !('message' in error)) return undefined;
  const { code, message } = error;
  if (typeof code !== 'number' || typeof message !== 'string') return undefined;
  const kind = errorKindOfGrpcStatusCode(code);
  return kind === undefined ? undefined : { kind, message, details: {} };
}
