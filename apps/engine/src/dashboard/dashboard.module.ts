import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { loadVerificationKey, TokenVerifier } from '@loom/access';
import type { FabricDriver, FabricTopology } from '@loom/fabric';
import { FabricDriftService, type NetworkServices } from '@loom/network';
import type { ProjectionRunner } from '@loom/projections';
import { Sagas } from '@loom/sagas';
import { AuditModule } from '../audit/audit.module';
import type { EngineConfig } from '../config/engine.config';
import { FABRIC_DRIVER, FABRIC_TOPOLOGY } from '../fabric/fabric.tokens';
import { DeviceOperationLog } from '../metrics/device-operation-log';
import { EngineMetrics } from '../metrics/engine-metrics';
import { NETWORK_SERVICES, PROJECTION_RUNNER } from '../network/network.tokens';
import { DashboardApiController } from './dashboard-api.controller';
import { DashboardSessions } from './dashboard-sessions';
import { DashboardStaticController } from './dashboard-static.controller';
import { DashboardViews } from './dashboard-views';
import { SagaChanges } from './saga-changes';

/**
 * The operators' dashboard on the HTTP port: the page at `/`, its JSON API and live events under
 * `/api/dashboard` (docs/configuration.md: LOOM_DASHBOARD=off leaves it out).
 */
@Module({})
export class DashboardModule implements BeforeApplicationShutdown {
  constructor(@Inject(SagaChanges) private readonly changes: SagaChanges) {}

  static forRoot(config: EngineConfig): DynamicModule {
    if (config.LOOM_DASHBOARD === 'off') return { module: DashboardDisabledModule };
    return {
      module: DashboardModule,
      imports: [AuditModule],
      controllers: [DashboardStaticController, DashboardApiController],
      providers: [
        {
          provide: DashboardSessions,
          inject: ['EngineConfig'],
          // The key the gRPC edge verifies tokens with (see ApiModule).
          useFactory: async (engineConfig: EngineConfig) =>
            new DashboardSessions(
              new TokenVerifier(
                await loadVerificationKey({
                  dataDir: engineConfig.LOOM_DATA_DIR,
                  publicKeyFile: engineConfig.LOOM_JWT_PUBLIC_KEY,
                }),
              ),
            ),
        },
        {
          provide: SagaChanges,
          inject: [Sagas],
          useFactory: (sagas: Sagas) => new SagaChanges(sagas),
        },
        {
          provide: DashboardViews,
          inject: [
            Sagas,
            EngineMetrics,
            PROJECTION_RUNNER,
            FabricDriftService,
            FABRIC_DRIVER,
            FABRIC_TOPOLOGY,
            NETWORK_SERVICES,
            DeviceOperationLog,
          ],
          useFactory: (
            sagas: Sagas,
            metrics: EngineMetrics,
            projections: ProjectionRunner,
            drift: FabricDriftService,
            driver: FabricDriver,
            topology: FabricTopology,
            network: NetworkServices,
            deviceOperations: DeviceOperationLog,
          ) =>
            new DashboardViews({
              sagas,
              metrics,
              projections,
              drift,
              driver,
              topology,
              network,
              deviceOperations,
            }),
        },
      ],
    };
  }

  /** Open event streams end before the HTTP server closes: it would wait for them forever. */
  beforeApplicationShutdown(): void {
    this.changes.close();
  }
}

@Module({})
class DashboardDisabledModule {}
