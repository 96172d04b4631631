import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, NestPinoLogger } from '@loom/logging';
import { InvalidConfigError, loadEngineConfig } from './config/engine.config';
import { EngineModule } from './engine.module';
import { describeReadiness } from './readiness';

async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  const config = loadEngineConfig(process.env);
  const logger = createLogger(config.LOOM_LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(EngineModule.forRoot(config, logger), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  logger.info(
    { ...(await describeReadiness(app)), startupMs: Date.now() - startedAt },
    'Loom engine ready',
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidConfigError) {
    process.stderr.write(`loom: ${error.message}\n`);
  } else {
    process.stderr.write(
      `loom: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
