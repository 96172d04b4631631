import type { INestApplication } from '@nestjs/common';
import { NestMicroservice, Transport, type GrpcOptions } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { LOOM_PACKAGE, loadLoomPackageDefinition } from '@loom/api-contract';
import { Authenticator, authenticationInterceptor, GrpcAuthGuard } from '@loom/access';
import type { EngineConfig } from '../../config/engine.config';
import { EngineMetrics } from '../../metrics/engine-metrics';
import { grpcMetricsInterceptor } from '../../metrics/grpc-metrics.interceptor';
import { DatabaseHealth } from '../../database/database-health';
import { GrpcExceptionFilter } from '../errors/grpc-exception.filter';
import { databaseAvailabilityInterceptor } from './database-availability.interceptor';
import { GrpcServerLifecycle } from './grpc-server.lifecycle';
import { decodeRequestsSafely, undecodableRequestInterceptor } from './request-decoding';

const isLoomMethod = (path: string): boolean => path.startsWith(`/${LOOM_PACKAGE}.`);

export type GrpcListenConfig = Pick<EngineConfig, 'LOOM_GRPC_HOST' | 'LOOM_GRPC_PORT'>;

/**
 * Attaches the loom.v1 gRPC server to the Nest application (a hybrid app: HTTP and gRPC share the
 * modules). Every Nest gRPC handler goes through the auth guard and the exception filter; calls
 * to any loom.v1 method are authenticated first by an interceptor, then refused as UNAVAILABLE while
 * the database does not answer; health and reflection are open.
 * Request bytes that decode to no request message are INVALID_ARGUMENT (request-decoding.ts).
 * Then: app.init(), app.startAllMicroservices(), GrpcServerLifecycle.markServing().
 */
export function connectGrpcEdge(app: INestApplication, config: GrpcListenConfig): void {
  const lifecycle = app.get(GrpcServerLifecycle);
  const options: GrpcOptions = {
    transport: Transport.GRPC,
    options: {
      url: `${config.LOOM_GRPC_HOST}:${config.LOOM_GRPC_PORT}`,
      package: LOOM_PACKAGE,
      // Loaded here, with the options the generated types describe, so proto-loader is configured
      // in one place (libs/api-contract) for the server and every client.
      packageDefinition: loadLoomPackageDefinition(),
      channelOptions: {
        interceptors: [
          grpcMetricsInterceptor(app.get(EngineMetrics)),
          authenticationInterceptor(app.get(Authenticator), isLoomMethod),
          databaseAvailabilityInterceptor(app.get(DatabaseHealth), isLoomMethod),
          undecodableRequestInterceptor(),
        ],
      },
      onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
        // Before any service is added: every method's undecodable requests are INVALID_ARGUMENT.
        decodeRequestsSafely(server);
        lifecycle.onServerCreated(server, definition);
      },
    },
  };
  // Deferred, so the guard and filter below are in place when Nest wraps the handlers (it reads
  // the global enhancers once, when it registers them). The application runs the modules' init
  // hooks (app.init()); the microservice must not run them a second time.
  const microservice = app.connectMicroservice<GrpcOptions>(options, { deferInitialization: true });
  if (!(microservice instanceof NestMicroservice)) throw new Error('unexpected Nest microservice');
  microservice.setIsInitHookCalled(true);
  microservice.useGlobalGuards(app.get(GrpcAuthGuard));
  microservice.useGlobalFilters(app.get(GrpcExceptionFilter));
}
