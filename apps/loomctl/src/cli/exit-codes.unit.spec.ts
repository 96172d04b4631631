import { EXIT, exitCodeOfGrpcStatus, grpcStatusCode, grpcStatusName } from './exit-codes';

describe('loomctl exit statuses', () => {
  it('is 0 for OK and 10 + the code for every other gRPC status', () => {
    expect(exitCodeOfGrpcStatus(0)).toBe(0);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('INVALID_ARGUMENT'))).toBe(13);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('DEADLINE_EXCEEDED'))).toBe(14);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('NOT_FOUND'))).toBe(15);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('ALREADY_EXISTS'))).toBe(16);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('PERMISSION_DENIED'))).toBe(17);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('FAILED_PRECONDITION'))).toBe(19);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('ABORTED'))).toBe(20);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('UNAVAILABLE'))).toBe(24);
    expect(exitCodeOfGrpcStatus(grpcStatusCode('UNAUTHENTICATED'))).toBe(26);
  });

  it('keeps gRPC statuses apart from usage errors, command results and Ctrl-C', () => {
    const grpcExits = Array.from({ length: 16 }, (_, index) => exitCodeOfGrpcStatus(index + 1));
    expect(new Set(grpcExits).size).toBe(16);
    for (const code of grpcExits) {
      expect(code).toBeGreaterThanOrEqual(10);
      expect(code).toBeLessThan(EXIT.interrupted);
    }
    expect([EXIT.failure, EXIT.usage]).toEqual([1, 2]);
  });

  it('counts a code outside the gRPC set as UNKNOWN', () => {
    expect(exitCodeOfGrpcStatus(99)).toBe(12);
    expect(exitCodeOfGrpcStatus(-1)).toBe(12);
  });

  it('names the statuses as gRPC does', () => {
    expect(grpcStatusName(5)).toBe('NOT_FOUND');
    expect(grpcStatusName(16)).toBe('UNAUTHENTICATED');
    expect(grpcStatusName(42)).toBe('status 42');
  });
});
