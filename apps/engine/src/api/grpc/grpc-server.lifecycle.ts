import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { loomServiceNames } from '@loom/api-contract';
import type { Logger } from '@loom/logging';
import { LOGGER } from '../../config/config.module';
import type { EngineConfig } from '../../config/engine.config';
import { DatabaseHealth } from '../../database/database-health';
import { drainGrpcServer } from './grpc-drain';
import { addReflection } from './grpc-reflection';

/** What the engine's health checks say, and why when it is not serving. */
export type ServingStatus = 'serving' | 'starting' | 'stopping' | 'database-unavailable';

/**
 * The gRPC server's own services (health, reflection) and its end: health answers NOT_SERVING
 * until the engine is ready, while its database does not answer (DatabaseHealth), and again from
 * the moment it starts shutting down; GET /healthz says the same. Shutdown drains the server
 * before the database closes (shutdown hooks run after this one).
 */
@Injectable()
export class GrpcServerLifecycle implements BeforeApplicationShutdown {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private server: Server | undefined;
  private services: string[] = [];
  private ready = false;
  private stopping = false;
  private drained: 'drained' | 'forced' | undefined;

  constructor(
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DatabaseHealth) private readonly database: DatabaseHealth,
  ) {
    this.database.onChange(() => {
      this.publish();
    });
  }

  get status(): ServingStatus {
    if (this.stopping) return 'stopping';
    if (!this.ready) return 'starting';
    return this.database.available ? 'serving' : 'database-unavailable';
  }

  /** How the gRPC server ended: calls in flight finished, or were cancelled after the grace. */
  get drainOutcome(): 'drained' | 'forced' | undefined {
    return this.drained;
  }

  /** Called by Nest's gRPC transport once the server exists, before the loom.v1 services are added. */
  onServerCreated(server: Server, definition: PackageDefinition): void {
    this.server = server;
    this.services = loomServiceNames(definition);
    for (const service of this.services) this.health.setStatus(service, 'NOT_SERVING');
    this.health.addToServer(server);
    addReflection(server, definition);
  }

  markServing(): void {
    this.ready = true;
    this.publish();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.publish();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.logger.debug('gRPC server draining');
    this.drained = await drainGrpcServer(server, this.config.LOOM_SHUTDOWN_GRACE_MS);
    this.logger.debug({ outcome: this.drained }, 'gRPC server stopped');
  }

  private publish(): void {
    const state = this.status === 'serving' ? 'SERVING' : 'NOT_SERVING';
    for (const service of ['', ...this.services]) this.health.setStatus(service, state);
  }
}
