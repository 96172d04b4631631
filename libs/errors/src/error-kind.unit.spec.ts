import { errorKindOf, errorKinds, isErrorKind } from './error-kind';
import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  LoomError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from './loom-errors';

describe('errorKindOf', () => {
  it.each([
    [new InvalidArgumentError([{ field: 'vpc_id', description: 'is empty' }]), 'invalid-argument'],
    [new NotFoundError('tenants/acme'), 'not-found'],
    [new AlreadyExistsError('tenants/acme'), 'already-exists'],
    [
      new FailedPreconditionError('tenants/acme', 'HAS_VPCS', 'delete its VPCs'),
      'failed-precondition',
    ],
    [new AbortedError('ETAG_MISMATCH', 'tenants/acme', 'changed'), 'aborted'],
    [new ResourceExhaustedError('tenants/acme', 'no VPC left'), 'resource-exhausted'],
    [new PermissionDeniedError('auditors read only'), 'permission-denied'],
    [new UnauthenticatedError('no token'), 'unauthenticated'],
    [new UnavailableError('the database is down'), 'unavailable'],
  ] as const)('is the kind a %p says it is', (error, kind) => {
    expect(errorKindOf(error)).toBe(kind);
  });

  it('reads the kind, not the class: a LoomError of its own', () => {
    class Conflict extends LoomError {
      readonly kind = 'failed-precondition';
    }
    expect(errorKindOf(new Conflict('the VRF is still in use'))).toBe('failed-precondition');
  });

  it.each([
    new Error('boom'),
    new TypeError('x is undefined'),
    'a string',
    undefined,
    { kind: 'not-found' },
  ])('is internal for anything else (%p)', (thrown) => {
    expect(errorKindOf(thrown)).toBe('internal');
  });
});

describe('isErrorKind', () => {
  it.each(errorKinds)('accepts %s', (kind) => {
    expect(isErrorKind(kind)).toBe(true);
  });

  it.each(['UNAVAILABLE', 'capacity', '', 13, null, undefined])('refuses %p', (value) => {
    expect(isErrorKind(value)).toBe(false);
  });
});
