import {
  Global,
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from './database-connection';
import { DatabaseHealth } from './database-health';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseConnection,
      inject: ['EngineConfig', LOGGER],
      useFactory: (config: EngineConfig, logger: Logger) => DatabaseConnection.open(config, logger),
    },
    {
      provide: DatabaseHealth,
      inject: [DatabaseConnection, LOGGER],
      useFactory: (database: DatabaseConnection, logger: Logger) =>
        new DatabaseHealth(database.url, logger.child({ component: 'database' })),
    },
  ],
  exports: [DatabaseConnection, DatabaseHealth],
})
export class DatabaseModule
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(DatabaseHealth) private readonly health: DatabaseHealth,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.health.start();
  }

  /** The health check's own connection goes first, with the calls (before every module stops). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.health.stop();
  }

  /** Runs after every other module's shutdown hook, so nothing still writes when the server stops. */
  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
    this.logger.debug('database closed');
  }
}
