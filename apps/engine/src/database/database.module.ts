import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from './database-connection';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseConnection,
      inject: ['EngineConfig', LOGGER],
      useFactory: (config: EngineConfig, logger: Logger) => DatabaseConnection.open(config, logger),
    },
  ],
  exports: [DatabaseConnection],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs after every other module's shutdown hook, so nothing still writes when the server stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
    this.logger.info('database closed');
  }
}
