import 'reflect-metadata';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, NestPinoLogger } from '@loom/logging';
import { DataDirInUseError, lockDataDir } from '@loom/postgres';
import { connectGrpcEdge } from './api/grpc/grpc-edge';
import { GrpcServerLifecycle } from './api/grpc/grpc-server.lifecycle';
import { InvalidConfigError, loadEngineConfig } from './config/engine.config';
import { DatabaseConnection } from './database/database-connection';
import { EngineModule } from './engine.module';
import { EngineStop } from './engine-stop';
import { describeReadiness } from './readiness';

/**
 * One process, two listeners: HTTP (GET /healthz; later the dashboard) and the loom.v1 gRPC API.
 * SIGINT/SIGTERM drain gRPC (calls in flight finish, within LOOM_SHUTDOWN_GRACE_MS), close HTTP,
 * then the event store and the database, and exit 0 (EngineStop).
 */
async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  const config = loadEngineConfig(process.env);
  const logger = createLogger(config.LOOM_LOG_LEVEL);
  const stop = new EngineStop(logger);
  stop.listen();
  // The embedded PostgreSQL's data directory has one owner: a second engine on it stops here,
  // before it touches anything (startEmbeddedPostgres takes the same lock, already ours).
  if (config.DATABASE_URL === undefined) await lockDataDir(resolve(config.LOOM_DATA_DIR));
  const app = await NestFactory.create<NestExpressApplication>(
    EngineModule.forRoot(config, logger),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  app.disable('x-powered-by');
  connectGrpcEdge(app, config);
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.LOOM_HTTP_PORT, config.LOOM_HTTP_HOST);
  app.get(GrpcServerLifecycle).markServing();
  void app.get(DatabaseConnection).embeddedServerCrashed?.then(({ pid, code, signal }) => {
    logger.error(
      { pid, code, signal },
      'the embedded PostgreSQL exited; the engine stops (started again, it takes the data over)',
    );
    stop.request({ cause: 'embedded PostgreSQL exited', exitCode: 1 });
  });
  logger.info(
    {
      ...(await describeReadiness(app)),
      grpc: `${config.LOOM_GRPC_HOST}:${config.LOOM_GRPC_PORT}`,
      http: `${config.LOOM_HTTP_HOST}:${config.LOOM_HTTP_PORT}`,
      grpcPort: config.LOOM_GRPC_PORT,
      httpPort: config.LOOM_HTTP_PORT,
      startupMs: Date.now() - startedAt,
    },
    'Loom engine ready',
  );
  stop.attach(app);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidConfigError || error instanceof DataDirInUseError) {
    process.stderr.write(`loom: ${error.message}\n`);
  } else {
    process.stderr.write(
      `loom: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
