import {
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore } from '@loom/event-store';
import { errorKindOf } from '@loom/errors';
import { carriesTenants, type FabricDriver, type FabricTopology } from '@loom/fabric';
import { startFabricWorkDispatcher } from '@loom/intents';
import type { Logger } from '@loom/logging';
import {
  externalFabricOutcomes,
  externalFabricSagas,
  fabricRepairSaga,
  FabricDriftService,
  portFabricSagas,
  portFabricOutcomes,
  qosFabricOutcomes,
  qosFabricSagas,
  serviceIpFabricOutcomes,
  serviceIpFabricSagas,
  type NetworkServices,
} from '@loom/network';
import { Sagas, SagaWorker, type AnySagaDefinition } from '@loom/sagas';
import { LOGGER } from '../config/config.module';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';
import { EVENT_STORE } from '../event-store/event-store.module';
import { EngineMetrics } from '../metrics/engine-metrics';
import { instrumentSagaSteps } from '../metrics/instrumented-saga-steps';
import { NETWORK_SERVICES } from '../network/network.tokens';
import { FABRIC_DRIVER, FABRIC_TOPOLOGY, SAGA_DEFINITIONS } from './fabric.tokens';
import { keepSubscribed } from './keep-subscribed';

/**
 * The saga types this engine runs: port provisioning, drift repairs on the same leaves, and the
 * external network's gateway and floating IP sagas on its gateway nodes.
 */
function sagaDefinitions(
  config: EngineConfig,
  driver: FabricDriver,
  network: NetworkServices,
): AnySagaDefinition[] {
  const dependencies = {
    driver,
    aggregates: network.aggregates,
    deviceTimeoutMs: config.LOOM_DEVICE_TIMEOUT_MS,
  };
  return [
    ...portFabricSagas(dependencies),
    fabricRepairSaga(dependencies),
    ...externalFabricSagas(dependencies),
    ...qosFabricSagas(dependencies),
    ...serviceIpFabricSagas(dependencies),
  ];
}

/**
 * The fabric work of intents: the sagas that carry them to the devices, and drift repair. Where
 * a saga worker runs (LOOM_SAGA_WORKERS=1) the engine also starts the sagas intents recorded (the
 * fabric work dispatcher) and records how they ended (port fabric outcomes); an API-only replica
 * (LOOM_SAGA_WORKERS=0) records intents and leaves their fabric work to the replicas that run it.
 */
@Global()
@Module({
  providers: [
    {
      provide: SAGA_DEFINITIONS,
      inject: ['EngineConfig', FABRIC_DRIVER, NETWORK_SERVICES, EngineMetrics],
      useFactory: (
        config: EngineConfig,
        driver: FabricDriver,
        network: NetworkServices,
        metrics: EngineMetrics,
      ) => instrumentSagaSteps(sagaDefinitions(config, driver, network), metrics),
    },
    {
      provide: Sagas,
      inject: [DatabaseConnection, EVENT_STORE, SAGA_DEFINITIONS],
      useFactory: (
        database: DatabaseConnection,
        store: EventStore,
        definitions: readonly AnySagaDefinition[],
      ) => new Sagas({ pool: database.pool, store, definitions }),
    },
    {
      provide: FabricDriftService,
      inject: [FABRIC_DRIVER, FABRIC_TOPOLOGY, NETWORK_SERVICES, Sagas],
      useFactory: (
        driver: FabricDriver,
        topology: FabricTopology,
        network: NetworkServices,
        sagas: Sagas,
      ) =>
        new FabricDriftService({
          driver,
          aggregates: network.aggregates,
          devices: topology.devices
            .filter((device) => carriesTenants(device.role))
            .map((device) => device.name),
          sagas,
        }),
    },
  ],
  exports: [Sagas, FabricDriftService],
})
export class FabricWorkModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running: { stop(): Promise<void> }[] = [];

  constructor(
    @Inject('EngineConfig') private readonly config: EngineConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DatabaseConnection) private readonly database: DatabaseConnection,
    @Inject(NETWORK_SERVICES) private readonly network: NetworkServices,
    @Inject(SAGA_DEFINITIONS) private readonly definitions: readonly AnySagaDefinition[],
    @Inject(Sagas) private readonly sagas: Sagas,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.LOOM_SAGA_WORKERS === 0) return;
    // The sagas to start, and how they ended (each on its own checkpoint, so that a start never
    // waits behind outcomes); started again from the checkpoints if it fails (the database went
    // away), as long as the engine runs.
    const dispatcher = keepSubscribed(
      () =>
        startFabricWorkDispatcher({
          store: this.store,
          sagas: this.sagas,
          reactions: [
            portFabricOutcomes(this.store, this.network.aggregates),
            externalFabricOutcomes(this.store, this.network.aggregates),
            qosFabricOutcomes(this.store, this.network.aggregates),
            serviceIpFabricOutcomes(this.store, this.network.aggregates),
          ],
          onError: (error, work) => {
            this.logger.warn({ err: error, sagaId: work.sagaId }, 'fabric work not started yet');
          },
        }),
      {
        onFailure: (error, attempt, retryInMs) => {
          const message = 'fabric work dispatcher failed; resubscribing from its checkpoint';
          // A lost database is reported once by the database health check: no stack here.
          if (errorKindOf(error) === 'unavailable') {
            const reason = error instanceof Error ? error.message : String(error);
            this.logger.warn({ reason, attempt, retryInMs }, message);
          } else {
            this.logger.error({ err: error, attempt, retryInMs }, message);
          }
        },
      },
    );
    const worker = new SagaWorker({
      pool: this.database.pool,
      store: this.store,
      definitions: this.definitions,
      leaseMs: this.config.LOOM_SAGA_LEASE_MS,
      logger: this.logger.child({ component: 'saga-worker' }),
    });
    worker.start();
    // Stopped in this order: a saga the worker ends while it stops still has its outcome recorded.
    this.running.push(worker, dispatcher);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const running of this.running) await running.stop();
    this.sagas.close();
  }
}
