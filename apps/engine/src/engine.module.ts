import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { ApiModule } from './api/api.module';
import { ResourcesModule } from './api/resources/resources.module';
import { ConfigModule } from './config/config.module';
import type { EngineConfig } from './config/engine.config';
import { DatabaseModule } from './database/database.module';
import { EventStoreModule } from './event-store/event-store.module';
import { NetworkModule } from './network/network.module';

/** The all-in-one Loom process: the gRPC API and, later, saga workers and dashboard join here. */
@Module({})
export class EngineModule {
  static forRoot(config: EngineConfig, logger: Logger): DynamicModule {
    return {
      module: EngineModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        DatabaseModule,
        EventStoreModule,
        NetworkModule,
        ApiModule,
        ResourcesModule,
      ],
    };
  }
}
