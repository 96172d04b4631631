import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { loomServiceNames } from '@loom/api-contract';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../../config/config.module';
import type { EngineConfig } from '../../config/engine.config';
import { drainGrpcServer } from './grpc-drain';
import { addReflection } from './grpc-reflection';

/**
 * The gRPC server's own services (health, reflection) and its end: health answers NOT_SERVING
 * until the engine is ready and again from the moment it starts shutting down, and shutdown drains
 * the server before the database closes (shutdown hooks run after this one).
 */
@Injectable()
export class GrpcServerLifecycle implements BeforeApplicationShutdown {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private server: Server | undefined;
  private services: string[] = [];

  constructor(
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Called by Nest's gRPC transport once the server exists, before the loom.v1 services are added. */
  onServerCreated(server: Server, definition: PackageDefinition): void {
    this.server = server;
    this.services = loomServiceNames(definition);
    for (const service of this.services) this.health.setStatus(service, 'NOT_SERVING');
    this.health.addToServer(server);
    addReflection(server, definition);
  }

  markServing(): void {
    this.setAll('SERVING');
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.setAll('NOT_SERVING');
    const outcome = await drainGrpcServer(server, this.config.LOOM_SHUTDOWN_GRACE_MS);
    this.logger.info({ outcome }, 'gRPC server stopped');
  }

  private setAll(state: 'SERVING' | 'NOT_SERVING'): void {
    for (const service of ['', ...this.services]) this.health.setStatus(service, state);
  }
}
