import { Controller, Get } from '@nestjs/common';

/** Liveness for load balancers and orchestrators: the process is up and serving HTTP. */
@Controller()
export class HealthzController {
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
