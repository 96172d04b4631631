/** gRPC status names by code (grpc/grpc doc/statuscodes.md); loomctl prints them in messages. */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

/** Exit statuses that do not come from a gRPC status. */
export const EXIT = {
  ok: 0,
  /** A failure with no gRPC status: a file that cannot be written, a bug. */
  failure: 1,
  /** The command line itself is wrong (unknown flag, malformed resource name): nothing was sent. */
  usage: 2,
  /** `audit verify`: the event log is not the one the engine sealed. */
  tampered: 3,
  /** Interrupted (Ctrl-C), as shells report a SIGINT. */
  interrupted: 130,
} as const;

/** Where the gRPC statuses start: 10 + code, so 0-9 stay free for usage and command results. */
const GRPC_EXIT_BASE = 10;

/**
 * The one place a gRPC status becomes loomctl's exit status: 0 for OK, otherwise 10 + the code
 * (NOT_FOUND 5 -> 15, INVALID_ARGUMENT 3 -> 13, UNAUTHENTICATED 16 -> 26). An operation that
 * failed exits with its error's code; a wait that ran out of time exits as DEADLINE_EXCEEDED (14).
 */
export function exitCodeOfGrpcStatus(code: number): number {
  if (code === 0) return EXIT.ok;
  if (!Number.isInteger(code) || code < 0 || code >= GRPC_STATUS_NAMES.length) {
    return GRPC_EXIT_BASE + grpcStatusCode('UNKNOWN');
  }
  return GRPC_EXIT_BASE + code;
}

export function grpcStatusCode(name: GrpcStatusName): number {
  return GRPC_STATUS_NAMES.indexOf(name);
}

export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? `status ${code}`;
}
