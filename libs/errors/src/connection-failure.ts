/**
 * Socket errors (Node's `code`) that mean a server cannot be reached or dropped the connection.
 */
const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is not there to answer: class 08 (connection exception)
 * and the shutdowns of class 57 (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now: starting up, shutting down, in recovery).
 */
const postgresUnavailableStates = /^(08[0-9A-Z]{3}|57P0[123])$/;

/**
 * What node-postgres (`pg`, `pg-pool`) says when a connection ends or never opens; it gives these
 * no code, so their text is all there is.
 */
const postgresClientMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** How deep wrapped errors are followed (`cause`, TypeORM's `driverError`, AggregateError). */
const maxDepth = 4;

/**
 * Whether an error says a server Loom depends on (its PostgreSQL) could not be reached or lost the
 * connection, so that the same call may succeed once the server is back: a refused or reset
 * socket, a PostgreSQL shutdown or connection SQLSTATE, node-postgres's "Connection terminated".
 * Errors wrapping one (`cause`, TypeORM's `driverError`, an AggregateError of connection attempts)
 * count too. `errorKindOf` counts these as `unavailable`.
 */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > maxDepth) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (socketErrorCodes.has(code) || postgresUnavailableStates.test(code)) return true;
  }
  if (
    typeof message === 'string' &&
    postgresClientMessages.some((prefix) => message.startsWith(prefix))
  ) {
    return true;
  }
  const wrapped = error as { cause?: unknown; driverError?: unknown; errors?: unknown };
  if (isConnectionFailure(wrapped.cause, depth + 1)) return true;
  if (isConnectionFailure(wrapped.driverError, depth + 1)) return true;
  return (
    Array.isArray(wrapped.errors) &&
    wrapped.errors.length > 0 &&
    wrapped.errors.every((inner) => isConnectionFailure(inner, depth + 1))
  );
}
