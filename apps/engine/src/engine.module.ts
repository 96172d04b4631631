import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { ConfigModule } from './config/config.module';
import type { EngineConfig } from './config/engine.config';
import { DatabaseModule } from './database/database.module';
import { EventStoreModule } from './event-store/event-store.module';

/** The all-in-one Loom process: later the gRPC API, saga workers and dashboard join here. */
@Module({})
export class EngineModule {
  static forRoot(config: EngineConfig, logger: Logger): DynamicModule {
    return {
      module: EngineModule,
      imports: [ConfigModule.forRoot(config, logger), DatabaseModule, EventStoreModule],
    };
  }
}
