import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

let database: TestDatabase;

describeEventStoreContract({
  backend: 'PostgreSQL',
  createStore: async () => {
    database = await createTestDatabase();
    return new PostgresEventStore({ pool: database.pool, pollIntervalMs: 25 });
  },
  disposeStore: async (store) => {
    await store.close();
    await database.drop();
  },
});
