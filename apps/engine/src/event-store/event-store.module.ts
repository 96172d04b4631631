import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, PostgresEventStore, type EventStore } from '@loom/event-store';
import type { EngineConfig } from '../config/engine.config';
import { DatabaseConnection } from '../database/database-connection';
import { EngineMetrics } from '../metrics/engine-metrics';
import { instrumentEventStore } from '../metrics/instrumented-event-store';

export const EVENT_STORE = Symbol('EVENT_STORE');

function createEventStore(config: EngineConfig, database: DatabaseConnection): EventStore {
  if (config.LOOM_EVENT_STORE === 'eventstoredb' && config.EVENTSTORE_URL !== undefined) {
    return new EventStoreDbEventStore({ connectionString: config.EVENTSTORE_URL });
  }
  return new PostgresEventStore({ pool: database.pool });
}

@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: ['EngineConfig', DatabaseConnection, EngineMetrics],
      useFactory: (config: EngineConfig, database: DatabaseConnection, metrics: EngineMetrics) =>
        instrumentEventStore(createEventStore(config, database), metrics),
    },
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
