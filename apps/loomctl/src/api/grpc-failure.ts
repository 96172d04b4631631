import { Metadata } from '@grpc/grpc-js';
import {
  decodeStatusDetails,
  STATUS_DETAILS_KEY,
  unpackRpcStatus,
  type StatusDetails,
  type Status,
} from '@loom/api-contract';
import { CliError } from '../cli/cli-error';
import { exitCodeOfGrpcStatus, grpcStatusName } from '../cli/exit-codes';

/**
 * A failed call as the person reads it and a script acts on it: `NOT_FOUND: <message>`, then one
 * line per google.rpc detail (every bad field of a BadRequest...), and the exit status of the code.
 */
export function failureOfCall(error: unknown, server: string): CliError {
  if (error instanceof CliError) return error;
  const code = grpcCodeOf(error);
  if (code === undefined) {
    return new CliError(error instanceof Error ? error.message : String(error), 1);
  }
  const { details, metadata } = error as { details?: unknown; metadata?: unknown };
  const raw = metadata instanceof Metadata ? metadata.get(STATUS_DETAILS_KEY)[0] : undefined;
  const decoded = raw instanceof Buffer ? safeDecode(raw) : {};
  const message = typeof details === 'string' && details ? details : grpcStatusName(code);
  return new CliError(
    [
      `${grpcStatusName(code)}: ${message}`,
      // The engine's messages often list the bad fields already: each is said once.
      ...detailLines(decoded).filter((line) => !message.includes(line.trim())),
      ...hintLines(grpcStatusName(code), server),
    ].join('\n'),
    exitCodeOfGrpcStatus(code),
  );
}

/** An operation that finished with an error: its status, details and exit status. */
export function failureOfOperation(name: string, status: Status): CliError {
  const decoded = unpackRpcStatus(status);
  return new CliError(
    [
      `${name} failed: ${grpcStatusName(status.code)}: ${status.message}`,
      ...detailLines(decoded),
    ].join('\n'),
    exitCodeOfGrpcStatus(status.code),
  );
}

export function grpcCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

function safeDecode(bytes: Buffer): StatusDetails {
  try {
    return decodeStatusDetails(bytes);
  } catch {
    return {};
  }
}

export function detailLines(details: StatusDetails): string[] {
  return [
    ...(details.badRequest?.fieldViolations ?? []).map(
      (violation) => `  ${violation.field}: ${violation.description}`,
    ),
    ...(details.preconditionFailure?.violations ?? []).map(
      (violation) => `  ${violation.subject}: ${violation.description}`,
    ),
    ...(details.quotaFailure?.violations ?? []).map(
      (violation) => `  ${violation.subject}: ${violation.description}`,
    ),
  ];
}

function hintLines(status: string, server: string): string[] {
  switch (status) {
    case 'UNAVAILABLE':
      return [`  is the engine running at ${server}? (set it with --server or LOOM_SERVER)`];
    case 'UNAUTHENTICATED':
      return ['  get a token with `loomctl login` or `loomctl token mint --save`'];
    default:
      return [];
  }
}
