import {
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@loom/event-store';
import type { FabricTopology } from '@loom/fabric';
import type { Logger } from '@loom/logging';
import { createNetworkServices, NetworkQueries, networkProjections } from '@loom/network';
import {
  createReadModelDataSource,
  PostgresEventLogProbe,
  ProjectionRunner,
  projectionEntities,
} from '@loom/projections';
import { LOGGER } from '../config/config.module';
import { parseVniRange, type EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';
import { EVENT_STORE } from '../event-store/event-store.module';
import { FABRIC_TOPOLOGY } from '../fabric/fabric.tokens';
import { NETWORK_SERVICES, PROJECTION_RUNNER } from './network.tokens';
import { readYourWrites } from './read-your-writes';

const READ_MODELS = Symbol('READ_MODELS');
const readYourWritesTimeoutMs = 10_000;

/**
 * The tenant network features: the services that turn intents into events (and record the fabric
 * work they start), the projections that keep the read models, and the queries that read them.
 */
@Global()
@Module({
  providers: [
    {
      provide: NETWORK_SERVICES,
      inject: ['EngineConfig', EVENT_STORE, FABRIC_TOPOLOGY],
      useFactory: (config: EngineConfig, store: EventStore, topology: FabricTopology) =>
        createNetworkServices(
          store,
          {
            l3VniRange: parseVniRange(config.LOOM_L3_VNI_RANGE),
            l2VniRange: parseVniRange(config.LOOM_L2_VNI_RANGE),
            asn: config.LOOM_FABRIC_ASN,
            transferPool: config.LOOM_TRANSFER_POOL,
            servicePool: config.LOOM_SERVICE_POOL,
          },
          { topology },
        ),
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
            // A lost database is reported once, by DatabaseHealth.
            onIdleError: (error) => {
              logger.debug({ reason: error.message }, 'idle read-model connection lost');
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
          readYourWrites(runner, projection, readYourWritesTimeoutMs),
        ),
    },
  ],
  exports: [NETWORK_SERVICES, PROJECTION_RUNNER, NetworkQueries],
})
export class NetworkModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.readModels.destroy();
  }
}
