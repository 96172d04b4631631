import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { describeEventStoreContract } from '../testing/event-store.contract';

let postgres: TestEventStore;

describeEventStoreContract({
  backend: 'PostgreSQL',
  createStore: async () => {
    postgres = await openTestEventStore({ pollIntervalMs: 25 });
    return postgres.store;
  },
  disposeStore: () => postgres.close(),
});
