// Loom's error taxonomy: the closed set of error kinds, the typed errors that carry them, and the
// one function that chooses a gRPC status code for a kind.
export * from './loom-errors';
export {
  boundText,
  maxErrorMessageLength,
  maxErrorTextLength,
  maxFieldViolations,
  maxQuotedLength,
  quote,
} from './error-text';
export { isConnectionFailure } from './connection-failure';
export { errorKinds, errorKindOf, isErrorKind, type ErrorKind } from './error-kind';
export { errorKindOfGrpcStatusCode, grpcStatusCodeOf } from './grpc-status-code';
