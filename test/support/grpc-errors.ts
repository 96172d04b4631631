import { Metadata, status } from '@grpc/grpc-js';
import { decodeStatusDetails, STATUS_DETAILS_KEY, type StatusDetails } from '@loom/api-contract';

/** A gRPC error as a test wants to see it: code (and its name), message, unpacked details. */
export interface DecodedGrpcError extends StatusDetails {
  /** A grpc-js `status` value. */
  readonly code: number;
  readonly codeName: string;
  readonly message: string;
}

/**
 * Decodes a grpc-js ServiceError (or the error object a server-side filter produces): the status
 * and the google.rpc details carried in `grpc-status-details-bin`.
 */
export function decodeGrpcError(error: unknown): DecodedGrpcError {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    throw new Error('not a gRPC error');
  }
  const { code, details, metadata } = error as {
    code: unknown;
    details?: unknown;
    metadata?: unknown;
  };
  if (typeof code !== 'number') throw new Error('not a gRPC error: no numeric code');
  const message = typeof details === 'string' ? details : '';
  const base = { code, codeName: status[code] ?? String(code), message };
  const raw = metadata instanceof Metadata ? metadata.get(STATUS_DETAILS_KEY)[0] : undefined;
  if (!(raw instanceof Buffer)) return base;
  const {
    code: detailsCode,
    message: _message,
    unknownDetails: _unknown,
    ...unpacked
  } = decodeStatusDetails(raw);
  if (detailsCode !== code) {
    throw new Error(`status details say code ${detailsCode}, the status says ${code}`);
  }
  return { ...base, ...unpacked };
}

/** Awaits a call that must fail, and decodes its error. */
export async function grpcErrorOf(call: Promise<unknown>): Promise<DecodedGrpcError> {
  try {
    await call;
  } catch (error) {
    return decodeGrpcError(error);
  }
  throw new Error('expected the call to fail');
}
