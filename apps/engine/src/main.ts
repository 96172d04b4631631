import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, NestPinoLogger } from '@loom/logging';
import { connectGrpcEdge } from './api/grpc/grpc-edge';
import { GrpcServerLifecycle } from './api/grpc/grpc-server.lifecycle';
import { InvalidConfigError, loadEngineConfig } from './config/engine.config';
import { EngineModule } from './engine.module';
import { describeReadiness } from './readiness';

/**
 * One process, two listeners: HTTP (GET /healthz; later the dashboard) and the loom.v1 gRPC API.
 * SIGINT/SIGTERM drain gRPC (calls in flight finish, within LOOM_SHUTDOWN_GRACE_MS), close HTTP,
 * then the event store and the database.
 */
async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  const config = loadEngineConfig(process.env);
  const logger = createLogger(config.LOOM_LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(
    EngineModule.forRoot(config, logger),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  app.disable('x-powered-by');
  connectGrpcEdge(app, config);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.LOOM_HTTP_PORT, config.LOOM_HTTP_HOST);
  app.get(GrpcServerLifecycle).markServing();
  logger.info(
    {
      ...(await describeReadiness(app)),
      grpcPort: config.LOOM_GRPC_PORT,
      httpPort: config.LOOM_HTTP_PORT,
      startupMs: Date.now() - startedAt,
    },
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
