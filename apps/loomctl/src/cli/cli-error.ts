import { EXIT, exitCodeOfGrpcStatus, grpcStatusCode, type GrpcStatusName } from './exit-codes';

/** A failure the user is told about in one message, and the exit status it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(message, EXIT.usage);
  }

  /** A failure loomctl finds itself that means what a gRPC status means (no token: UNAUTHENTICATED). */
  static status(status: GrpcStatusName, message: string): CliError {
    return new CliError(message, exitCodeOfGrpcStatus(grpcStatusCode(status)));
  }
}
