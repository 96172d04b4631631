import type { ErrorKind } from './error-kind';
import { boundText, maxErrorMessageLength, maxFieldViolations } from './error-text';

/**
 * The errors Loom's domain and application code raise on purpose. Each says what kind of refusal
 * it is; the API edge maps each kind, once, to a gRPC status with google.rpc error details.
 *
 * Every text an error holds is bounded here, where errors are built (see error-text.ts): whatever
 * a caller sent and an error echoes, its status stays a few KiB.
 */
export abstract class LoomError extends Error {
  /** `internal` is never raised on purpose: it is what anything else counts as. */
  abstract readonly kind: Exclude<ErrorKind, 'internal'>;

  constructor(message: string) {
    super(boundText(message, maxErrorMessageLength));
    this.name = new.target.name;
  }
}

export interface FieldViolation {
  /** Path of the field in the request, e.g. `vpc.cidr_blocks[1]`; empty for the whole request. */
  readonly field: string;
  readonly description: string;
}

/**
 * The request is malformed; every bad field is listed (up to 16; the message counts the others).
 * Maps to INVALID_ARGUMENT with BadRequest.
 */
export class InvalidArgumentError extends LoomError {
  readonly kind = 'invalid-argument';
  readonly violations: readonly FieldViolation[];

  constructor(violations: readonly FieldViolation[]) {
    const listed = violations.slice(0, maxFieldViolations).map(({ field, description }) => ({
      field: boundText(field),
      description: boundText(description),
    }));
    const more = violations.length - listed.length;
    super(
      [
        ...listed.map(({ field, description }) =>
          field === '' ? description : `${field}: ${description}`,
        ),
        ...(more > 0 ? [`and ${more} more`] : []),
      ].join('; '),
    );
    this.violations = listed;
  }
}

/** Maps to NOT_FOUND with ResourceInfo. Also what a caller gets for resources it may not see. */
export class NotFoundError extends LoomError {
  readonly kind = 'not-found';
  readonly resourceName: string;

  constructor(resourceName: string) {
    super(`${boundText(resourceName)} not found`);
    this.resourceName = boundText(resourceName);
  }
}

/** Maps to ALREADY_EXISTS with ResourceInfo. */
export class AlreadyExistsError extends LoomError {
  readonly kind = 'already-exists';
  readonly resourceName: string;

  constructor(resourceName: string) {
    super(`${boundText(resourceName)} already exists`);
    this.resourceName = boundText(resourceName);
  }
}

/** The system is not in a state that allows the change. Maps to FAILED_PRECONDITION with PreconditionFailure. */
export class FailedPreconditionError extends LoomError {
  readonly kind = 'failed-precondition';
  readonly subject: string;
  readonly type: string;
  readonly description: string;

  constructor(subject: string, type: string, description: string) {
    super(`${boundText(subject)}: ${boundText(description)}`);
    this.subject = boundText(subject);
    this.type = boundText(type);
    this.description = boundText(description);
  }
}

/** An etag did not match or a concurrent change won: re-read and retry. Maps to ABORTED with ErrorInfo. */
export class AbortedError extends LoomError {
  readonly kind = 'aborted';
  readonly resourceName: string;

  constructor(
    readonly reason: 'ETAG_MISMATCH' | 'CONCURRENT_CHANGE' | 'CALL_ENDED',
    resourceName: string,
    message: string,
  ) {
    super(message);
    this.resourceName = boundText(resourceName);
  }
}

/** A quota or a pool is used up. Maps to RESOURCE_EXHAUSTED with QuotaFailure. */
export class ResourceExhaustedError extends LoomError {
  readonly kind = 'resource-exhausted';
  readonly subject: string;
  readonly description: string;

  constructor(subject: string, description: string) {
    super(`${boundText(subject)}: ${boundText(description)}`);
    this.subject = boundText(subject);
    this.description = boundText(description);
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
