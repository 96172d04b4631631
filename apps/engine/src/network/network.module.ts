import {
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore, RunningSubscription } from '@loom/event-store';
import type { Logger } from '@loom/logging';
import { NetworkQueries, networkProjections, startPortFabricOutcomes } from '@loom/network';
import {
  createReadModelDataSource,
  PostgresEventLogProbe,
  ProjectionRunner,
  projectionEntities,
} from '@loom/projections';
import { SagaWorker } from '@loom/sagas';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';
import { EVENT_STORE } from '../event-store/event-store.module';
import { openFabricRuntime, type FabricRuntime } from '../fabric/fabric-runtime';
import { FABRIC_RUNTIME, NETWORK_SERVICES, PROJECTION_RUNNER } from './network.tokens';

const READ_MODELS = Symbol('READ_MODELS');
const readYourWritesTimeoutMs = 10_000;

/**
 * The tenant network features: the services that turn intents into events, the sagas that carry
 * them to the fabric, the projections that keep the read models, and the queries that read them.
 */
@Global()
@Module({
  providers: [
    {
      provide: FABRIC_RUNTIME,
      inject: ['EngineConfig', EVENT_STORE, DatabaseConnection],
      useFactory: (config: EngineConfig, store: EventStore, database: DatabaseConnection) =>
        openFabricRuntime(config, store, database.pool),
    },
    {
      provide: NETWORK_SERVICES,
      inject: [FABRIC_RUNTIME],
      useFactory: (runtime: FabricRuntime) => runtime.services,
    },
    {
      provide: READ_MODELS,
      inject: [DatabaseConnection, LOGGER],
      useFactory: async (database: DatabaseConnection, logger: Logger) => {
        const dataSource = createReadModelDataSource(
          database.url,
          projectionEntities(networkProjections),
          [],
          {
            poolSize: 10,
            onIdleError: (error) => {
              logger.warn({ err: error }, 'idle read-model connection lost');
            },
          },
        );
        return dataSource.initialize();
      },
    },
    {
      provide: PROJECTION_RUNNER,
      inject: [READ_MODELS, EVENT_STORE, DatabaseConnection, LOGGER],
      useFactory: (
        dataSource: DataSource,
        store: EventStore,
        database: DatabaseConnection,
        logger: Logger,
      ) =>
        new ProjectionRunner({
          dataSource,
          store,
          eventLog: new PostgresEventLogProbe(database.pool),
          projections: networkProjections,
          logger: logger.child({ component: 'projections' }),
        }),
    },
    {
      provide: NetworkQueries,
      inject: [READ_MODELS, PROJECTION_RUNNER],
      useFactory: (dataSource: DataSource, runner: ProjectionRunner) =>
        new NetworkQueries(dataSource, (projection) =>
          runner.waitForHead(projection, readYourWritesTimeoutMs),
        ),
    },
  ],
  exports: [NETWORK_SERVICES, PROJECTION_RUNNER, FABRIC_RUNTIME, NetworkQueries],
})
export class NetworkModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: SagaWorker | undefined;
  private outcomes: RunningSubscription | undefined;

  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(FABRIC_RUNTIME) private readonly fabric: FabricRuntime,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
    this.outcomes = startPortFabricOutcomes(this.store, this.fabric.services.aggregates);
    this.outcomes.done.catch((error: unknown) => {
      this.logger.error({ err: error }, 'port fabric outcomes stopped');
    });
    if (this.config.LOOM_SAGA_WORKERS > 0) {
      this.worker = new SagaWorker({
        pool: this.database.pool,
        store: this.store,
        definitions: this.fabric.definitions,
        leaseMs: this.config.LOOM_SAGA_LEASE_MS,
        logger: this.logger.child({ component: 'saga-worker' }),
      });
      this.worker.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    await this.outcomes?.stop();
    await this.runner.stop();
    this.fabric.sagas.close();
    await this.readModels.destroy();
  }
}
