import { Module } from '@nestjs/common';
import { Authenticator, GrpcAuthGuard, loadVerificationKey, TokenVerifier } from '@loom/access';
import type { EngineConfig } from '../config/engine.config';
import { GrpcExceptionFilter } from './errors/grpc-exception.filter';
import { GrpcServerLifecycle } from './grpc/grpc-server.lifecycle';
import { HealthzController } from './http/healthz.controller';
import { loadPageTokenCodec, PageTokenCodec } from './shared/page-token';

/**
 * The API edge: token checking, the gRPC server's lifecycle, error mapping and the helpers the
 * resource controllers use (PageTokenCodec). connectGrpcEdge() attaches the gRPC server itself.
 */
@Module({
  controllers: [HealthzController],
  providers: [
    {
      provide: TokenVerifier,
      inject: ['EngineConfig'],
      useFactory: async (config: EngineConfig) =>
        new TokenVerifier(
          await loadVerificationKey({
            dataDir: config.LOOM_DATA_DIR,
            publicKeyFile: config.LOOM_JWT_PUBLIC_KEY,
          }),
        ),
    },
    {
      provide: Authenticator,
      inject: [TokenVerifier],
      useFactory: (verifier: TokenVerifier) => new Authenticator(verifier),
    },
    {
      provide: PageTokenCodec,
      inject: ['EngineConfig'],
      useFactory: (config: EngineConfig) => loadPageTokenCodec(config.LOOM_DATA_DIR),
    },
    GrpcAuthGuard,
    GrpcExceptionFilter,
    GrpcServerLifecycle,
  ],
  exports: [Authenticator, PageTokenCodec, GrpcAuthGuard, GrpcExceptionFilter, GrpcServerLifecycle],
})
export class ApiModule {}
