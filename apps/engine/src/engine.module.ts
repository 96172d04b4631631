import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { ApiModule } from './api/api.module';
import { AuditModule } from './audit/audit.module';
import { ResourcesModule } from './api/resources/resources.module';
import { ConfigModule } from './config/config.module';
import type { EngineConfig } from './config/engine.config';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { EventStoreModule } from './event-store/event-store.module';
import { FabricWorkModule } from './fabric/fabric-work.module';
import { FabricModule } from './fabric/fabric.module';
import { MetricsModule, MetricsSourcesModule } from './metrics/metrics.module';
import { NetworkModule } from './network/network.module';

/**
 * The all-in-one Loom process, wired top to bottom: the store, the fabric (topology and driver),
 * the network services, the fabric work (sagas, their worker and dispatcher), the gRPC transport.
 */
@Module({})
export class EngineModule {
  static forRoot(config: EngineConfig, logger: Logger): DynamicModule {
    return {
      module: EngineModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        MetricsModule,
        DatabaseModule,
        EventStoreModule,
        FabricModule,
        NetworkModule,
        FabricWorkModule,
        AuditModule,
        ApiModule,
        ResourcesModule,
        MetricsSourcesModule,
        DashboardModule.forRoot(config),
      ],
    };
  }
}
