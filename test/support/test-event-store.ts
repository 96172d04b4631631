import type { MigrationInterface } from 'typeorm';
import { PostgresEventStore } from '../../libs/event-store/src';
import { runMigrations } from '../../libs/postgres/src';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestEventStoreOptions {
  /** Run after the event store's own: read models, saga tables... */
  readonly migrations?: readonly (new () => MigrationInterface)[];
  readonly pollIntervalMs?: number;
}

/** A fresh, migrated database of its own and a PostgreSQL event store over its pool. */
export interface TestEventStore {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  /** Closes the store, then drops the database. */
  close(): Promise<void>;
}

/** What an int spec's `beforeAll` starts from; its `afterAll` ends with `close()`. */
export async function openTestEventStore(
  options: TestEventStoreOptions = {},
): Promise<TestEventStore> {
  const database = await createTestDatabase();
  if (options.migrations !== undefined) await runMigrations(database.url, options.migrations);
  const { pollIntervalMs } = options;
  const store = new PostgresEventStore({
    pool: database.pool,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  });
  return {
    database,
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * The same, opened before the suite's tests and closed after them, for a suite that holds nothing
 * else over the database (its own `afterAll` hooks run after this one has closed it).
 */
export function useTestEventStore(options: TestEventStoreOptions = {}): TestEventStore {
  let opened: TestEventStore | undefined;
  beforeAll(async () => {
    opened = await openTestEventStore(options);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const current = (): TestEventStore => {
    if (opened === undefined) throw new Error('the test event store opens in beforeAll');
    return opened;
  };
  return {
    get database() {
      return current().database;
    },
    get store() {
      return current().store;
    },
    close: () => current().close(),
  };
}
