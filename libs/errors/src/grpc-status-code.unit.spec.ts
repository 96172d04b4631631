import { status } from '@grpc/grpc-js';
import { errorKinds, type ErrorKind } from './error-kind';
import { errorKindOfGrpcStatusCode, grpcStatusCodeOf } from './grpc-status-code';

/**
 * Written out by hand: the table grpcStatusCodeOf must agree with. Typed by ErrorKind, so a new kind
 * does not compile until it has a row here.
 */
const expected: Record<ErrorKind, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  aborted: status.ABORTED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  'permission-denied': status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  unavailable: status.UNAVAILABLE,
  internal: status.INTERNAL,
};

describe('grpcStatusCodeOf', () => {
  it.each(Object.entries(expected))('maps %s to its gRPC status', (kind, code) => {
    expect(grpcStatusCodeOf(kind as ErrorKind)).toBe(code);
  });

  it('covers every kind of the closed set, each with a code of its own', () => {
    expect([...errorKinds].sort()).toEqual(Object.keys(expected).sort());
    const codes = errorKinds.map(grpcStatusCodeOf);
    expect(new Set(codes).size).toBe(errorKinds.length);
  });
});

describe('errorKindOfGrpcStatusCode', () => {
  it.each(errorKinds)('reads the code of %s back into it', (kind) => {
    expect(errorKindOfGrpcStatusCode(grpcStatusCodeOf(kind))).toBe(kind);
  });

  it.each([
    status.OK,
    status.CANCELLED,
    status.UNKNOWN,
    status.UNIMPLEMENTED,
    status.DATA_LOSS,
    99,
  ])('knows no kind for code %i', (code) => {
    expect(errorKindOfGrpcStatusCode(code)).toBeUndefined();
  });
});
