import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { GrpcServerLifecycle, type ServingStatus } from '../grpc/grpc-server.lifecycle';

/**
 * For load balancers and orchestrators, the same answer as gRPC health: 200 `{"status":"ok"}`
 * while the engine serves; 503 `{"status":"unavailable","reason":...}` while it starts, stops,
 * or cannot reach its database (it recovers by itself when the database is back).
 */
@Controller()
export class HealthzController {
  constructor(@Inject(GrpcServerLifecycle) private readonly lifecycle: GrpcServerLifecycle) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    const status: ServingStatus = this.lifecycle.status;
    if (status !== 'serving') {
      throw new ServiceUnavailableException({ status: 'unavailable', reason: status });
    }
    return { status: 'ok' };
  }
}
