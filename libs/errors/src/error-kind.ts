import { isConnectionFailure } from './connection-failure';
import { LoomError } from './loom-errors';

/**
 * The closed set of ways a Loom request or device operation can fail, as recorded on failure
 * events and mapped to a transport status in one place (grpcStatusCodeOf).
 */
export const errorKinds = [
  'invalid-argument',
  'not-found',
  'already-exists',
  'failed-precondition',
  'aborted',
  'resource-exhausted',
  'permission-denied',
  'unauthenticated',
  'unavailable',
  'internal',
] as const;

export type ErrorKind = (typeof errorKinds)[number];

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (errorKinds as readonly string[]).includes(value);
}

/**
 * The kind of any thrown value: what a LoomError says it is; `unavailable` for a lost or refused
 * connection to a server Loom depends on (isConnectionFailure: the database is down, restarting
 * or unreachable, and a retry may succeed); `internal` for anything else.
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (error instanceof LoomError) return error.kind;
  return isConnectionFailure(error) ? 'unavailable' : 'internal';
}
