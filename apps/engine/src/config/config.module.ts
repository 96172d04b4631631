import { Global, Module, type DynamicModule } from '@nestjs/common';
import { createLogger, type Logger } from '@loom/logging';
import type { EngineConfig } from './engine.config';

export const LOGGER = Symbol('LOGGER');

/** The validated configuration and the root logger, available to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(
    config: EngineConfig,
    logger: Logger = createLogger(config.LOOM_LOG_LEVEL),
  ): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: 'EngineConfig', useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: ['EngineConfig', LOGGER],
    };
  }
}
