import { Controller, Get, Header, Inject } from '@nestjs/common';
import { EngineMetrics } from './engine-metrics';

/** Prometheus' scrape target, on the HTTP port beside /healthz. */
@Controller()
export class MetricsController {
  constructor(@Inject(EngineMetrics) private readonly metrics: EngineMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
