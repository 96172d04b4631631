import { status } from '@grpc/grpc-js';
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
  FailedPreconditionError,
  InvalidArgumentError,
  LoomError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';

/** The `domain` of Loom's google.rpc.ErrorInfo details. */
export const ERROR_DOMAIN = 'loom';

export interface GrpcStatus {
  /** A grpc-js `status` value. */
  readonly code: number;
  readonly message: string;
  readonly details: StatusDetails;
}

/** What a caller gets for a failure Loom did not expect: nothing about its insides. */
export const INTERNAL_STATUS: GrpcStatus = {
  code: status.INTERNAL,
  message: 'internal error',
  details: {},
};

/**
 * The gRPC status for an error raised on purpose (a LoomError, an event store refusal, an
 * RpcException carrying a status); undefined for anything else, which is a bug and INTERNAL.
 */
export function grpcStatusOf(error: unknown): GrpcStatus | undefined {
  if (error instanceof LoomError) return loomErrorStatus(error);
  if (error instanceof EventStoreError) return eventStoreErrorStatus(error);
  if (error instanceof RpcException) return rpcExceptionStatus(error);
  return undefined;
}

function loomErrorStatus(error: LoomError): GrpcStatus {
  const { message } = error;
  switch (error.kind) {
    case 'invalid-argument':
      return {
        code: status.INVALID_ARGUMENT,
        message,
        details:
          error instanceof InvalidArgumentError
            ? {
                badRequest: {
                  fieldViolations: error.violations.map(({ field, description }) => ({
                    field,
                    description,
                    reason: '',
                  })),
                },
              }
            : {},
      };
    case 'not-found':
    case 'already-exists': {
      const resourceName =
        error instanceof NotFoundError || error instanceof AlreadyExistsError
          ? error.resourceName
          : '';
      return {
        code: error.kind === 'not-found' ? status.NOT_FOUND : status.ALREADY_EXISTS,
        message,
        details: {
          resourceInfo: {
            resourceType: resourceTypeOf(resourceName) ?? '',
            resourceName,
            owner: '',
            description: message,
          },
        },
      };
    }
    case 'failed-precondition':
      return {
        code: status.FAILED_PRECONDITION,
        message,
        details:
          error instanceof FailedPreconditionError
            ? {
                preconditionFailure: {
                  violations: [
                    { type: error.type, subject: error.subject, description: error.description },
                  ],
                },
              }
            : {},
      };
    case 'aborted':
      return {
        code: status.ABORTED,
        message,
        details:
          error instanceof AbortedError
            ? {
                errorInfo: {
                  reason: error.reason,
                  domain: ERROR_DOMAIN,
                  metadata: { resource: error.resourceName },
                },
              }
            : {},
      };
    case 'resource-exhausted':
      return {
        code: status.RESOURCE_EXHAUSTED,
        message,
        details:
          error instanceof ResourceExhaustedError
            ? {
                quotaFailure: {
                  violations: [{ subject: error.subject, description: error.description }],
                },
              }
            : {},
      };
    case 'permission-denied':
      return { code: status.PERMISSION_DENIED, message, details: {} };
    case 'unauthenticated':
      return { code: status.UNAUTHENTICATED, message, details: {} };
    case 'unavailable':
      return { code: status.UNAVAILABLE, message, details: {} };
  }
}

/**
 * Normally the application turns event store refusals into LoomErrors with resource names; these
 * are the answers when one gets through. The stream names inside stay inside.
 */
function eventStoreErrorStatus(error: EventStoreError): GrpcStatus {
  if (error instanceof WrongExpectedRevisionError) {
    return {
      code: status.ABORTED,
      message: 'the resource was changed concurrently: read it again and retry',
      details: { errorInfo: { reason: 'CONCURRENT_CHANGE', domain: ERROR_DOMAIN, metadata: {} } },
    };
  }
  if (error instanceof EventIdConflictError) {
    const description = 'was already used for a different request';
    return {
      code: status.INVALID_ARGUMENT,
      message: `request_id: ${description}`,
      details: {
        badRequest: { fieldViolations: [{ field: 'request_id', description, reason: '' }] },
      },
    };
  }
  // The remaining ones refuse bad input: malformed or oversized events, bad names or revisions.
  return { code: status.INVALID_ARGUMENT, message: error.message, details: {} };
}

function rpcExceptionStatus(exception: RpcException): GrpcStatus | undefined {
  const error = exception.getError();
  if (typeof error !== 'object' || !('code' in error) || !('message' in error)) return undefined;
  const { code, message } = error;
  if (typeof code !== 'number' || !(code in status) || typeof message !== 'string') {
    return undefined;
  }
  return { code, message, details: {} };
}
