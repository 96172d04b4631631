import { Catch, Inject, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { Metadata, type StatusObject } from '@grpc/grpc-js';
import { throwError, type Observable } from 'rxjs';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from '@loom/api-contract';
import { grpcStatusCodeOf, type LoomError } from '@loom/errors';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../../config/config.module';
import { grpcStatusOf, INTERNAL_STATUS, type GrpcStatus } from './grpc-status-mapping';

/** What grpc-js sends for an error a handler gives it: code, message, trailing metadata. */
export interface GrpcErrorResponse {
  readonly code: number;
  readonly details: string;
  readonly message: string;
  readonly metadata: Metadata;
}

/**
 * The one place errors become gRPC statuses, for every Nest gRPC handler and guard: typed errors by
 * their kind, with google.rpc details in `grpc-status-details-bin`; anything else is INTERNAL with
 * a generic message, its stack only in the log.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const known = grpcStatusOf(exception);
    if (known === undefined) {
      this.logger.error(
        { err: exception, method: methodOf(host) },
        'gRPC call failed unexpectedly',
      );
    }
    const response = toGrpcErrorResponse(known ?? INTERNAL_STATUS);
    return throwError(() => response);
  }
}

/** The status answering a refusal raised outside a Nest handler (in a grpc-js interceptor). */
export function refusalStatus(refusal: LoomError): StatusObject {
  const { details, metadata } = toGrpcErrorResponse(grpcStatusOf(refusal) ?? INTERNAL_STATUS);
  return { code: grpcStatusCodeOf(refusal.kind), details, metadata };
}

export function toGrpcErrorResponse(grpcStatus: GrpcStatus): GrpcErrorResponse {
  const metadata = new Metadata();
  metadata.set(
    STATUS_DETAILS_KEY,
    encodeStatusDetails(grpcStatus.code, grpcStatus.message, grpcStatus.details),
  );
  return {
    code: grpcStatus.code,
    message: grpcStatus.message,
    details: grpcStatus.message,
    metadata,
  };
}

/** The gRPC method path, when the handler's third argument is a grpc-js call. */
function methodOf(host: ArgumentsHost): string | undefined {
  const call = host.getArgByIndex<unknown>(2);
  if (typeof call !== 'object' || call === null || !('getPath' in call)) return undefined;
  const { getPath } = call;
  return typeof getPath === 'function' ? String(getPath.call(call)) : undefined;
}
