import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { ProjectionRunner } from '@loom/projections';
import { Sagas } from '@loom/sagas';
import { DatabaseConnection } from '../database/database-connection';
import { PROJECTION_RUNNER } from '../network/network.tokens';
import { DeviceOperationLog } from './device-operation-log';
import { EngineMetrics } from './engine-metrics';
import { MetricsController } from './metrics.controller';
import { readAtMostEvery } from './read-at-most-every';

/** How stale `loom_sagas` may be: its count grows with every saga ever run. */
const sagaCountsEveryMs = 1_000;

/**
 * The engine's metrics (`GET /metrics`, docs/metrics.md) and the device operation log. Imported
 * before the store, the fabric and the sagas, which it instruments; the saga and projection
 * gauges are connected to their sources once everything is built.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [EngineMetrics, DeviceOperationLog],
  exports: [EngineMetrics, DeviceOperationLog],
})
export class MetricsModule {}

/** Connects the gauges read at scrape time to the saga index, the projection runner and the pool. */
@Module({})
export class MetricsSourcesModule implements OnApplicationBootstrap {
  constructor(
    @Inject(EngineMetrics) private readonly metrics: EngineMetrics,
    @Inject(Sagas) private readonly sagas: Sagas,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.useSources({
      sagaCounts: readAtMostEvery(sagaCountsEveryMs, () => this.sagas.counts()),
      projectionLag: async () =>
        (await this.projections.status()).map((status) => ({
          projection: status.name,
          lagEvents: status.lagEvents,
        })),
      databaseConnections: () => this.database.connectionCounts(),
    });
  }
}
