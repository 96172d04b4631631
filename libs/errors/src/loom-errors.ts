import type { ErrorKind } from './error-kind';

/**
 * The errors Loom's domain and application code raise on purpose. Each says what kind of refusal
 * it is; the API edge maps each kind, once, to a gRPC status with google.rpc error details.
 */
export abstract class LoomError extends Error {
  /** `internal` is never raised on purpose: it is what anything else counts as. */
  abstract readonly kind: Exclude<ErrorKind, 'internal'>;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldViolation {
  /** Path of the field in the request, e.g. `vpc.cidr_blocks[1]`. */
  readonly field: string;
  readonly description: string;
}

/** The request is malformed; every bad field is listed. Maps to INVALID_ARGUMENT with BadRequest. */
export class InvalidArgumentError extends LoomError {
  readonly kind = 'invalid-argument';
  constructor(readonly violations: readonly FieldViolation[]) {
    super(violations.map((violation) => `${violation.field}: ${violation.description}`).join('; '));
  }
}

/** Maps to NOT_FOUND with ResourceInfo. Also what a caller gets for resources it may not see. */
export class NotFoundError extends LoomError {
  readonly kind = 'not-found';
  constructor(readonly resourceName: string) {
    super(`${resourceName} not found`);
  }
}

/** Maps to ALREADY_EXISTS with ResourceInfo. */
export class AlreadyExistsError extends LoomError {
  readonly kind = 'already-exists';
  constructor(readonly resourceName: string) {
    super(`${resourceName} already exists`);
  }
}

/** The system is not in a state that allows the change. Maps to FAILED_PRECONDITION with PreconditionFailure. */
export class FailedPreconditionError extends LoomError {
  readonly kind = 'failed-precondition';
  constructor(
    readonly subject: string,
    readonly type: string,
    readonly description: string,
  ) {
    super(`${subject}: ${description}`);
  }
}

/** An etag did not match or a concurrent change won: re-read and retry. Maps to ABORTED with ErrorInfo. */
export class AbortedError extends LoomError {
  readonly kind = 'aborted';
  constructor(
    readonly reason: 'ETAG_MISMATCH' | 'CONCURRENT_CHANGE',
    readonly resourceName: string,
    message: string,
  ) {
    super(message);
  }
}

/** A quota or a pool is used up. Maps to RESOURCE_EXHAUSTED with QuotaFailure. */
export class ResourceExhaustedError extends LoomError {
  readonly kind = 'resource-exhausted';
  constructor(
    readonly subject: string,
    readonly description: string,
  ) {
    super(`${subject}: ${description}`);
  }
}

export class PermissionDeniedError extends LoomError {
  readonly kind = 'permission-denied';
}

export class UnauthenticatedError extends LoomError {
  readonly kind = 'unauthenticated';
}

/** A dependency (the database, a device) cannot be reached now: retry later. Maps to UNAVAILABLE. */
export class UnavailableError extends LoomError {
  readonly kind = 'unavailable';
}
