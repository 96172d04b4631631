import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@loom/errors';
import { Authenticator } from './authenticator';

/**
 * Every Nest gRPC handler runs only for a caller with a valid bearer token; the principal is then
 * available through principalOf(metadata). Failures are UnauthenticatedError, which the RPC
 * exception filter answers as UNAUTHENTICATED. Other transports (HTTP /healthz) are not its job.
 */
@Injectable()
export class GrpcAuthGuard implements CanActivate {
  constructor(@Inject(Authenticator) private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    const metadata = context.switchToRpc().getContext<unknown>();
    if (!(metadata instanceof Metadata)) throw new UnauthenticatedError('the call has no metadata');
    await this.authenticator.authenticate(metadata);
    return true;
  }
}
