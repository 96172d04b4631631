import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { newEvents, take, uniquePrefix } from '../testing/contract-helpers';
import { appendStatement } from './append-statements';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The trap of PostgreSQL event stores: a transaction that took its position first but commits
 * last. A reader that moved past the later position must not skip the earlier one.
 */
describe('PostgreSQL global order with a late commit', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore({ pool: database.pool, pollIntervalMs: 10 });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('holds back later commits until the earlier transaction ends, then delivers both in order', async () => {
    const prefix = uniquePrefix('late');
    const subscription = store.subscribeToAll({
      from: 'start',
      filter: { streamPrefixes: [prefix] },
    });
    const received = take(subscription, 2, 10_000);

    const slow = await database.pool.connect();
    try {
      await slow.query('BEGIN');
      const [early] = newEvents(1);
      await slow.query(appendStatement('any'), [
        `${prefix}slow`,
        1,
        [early!.id],
        [early!.type],
        [1],
        [JSON.stringify(early!.data)],
        ['{"occurredAt":"2026-01-01T00:00:00Z"}'],
      ]);
      const fast = await store.append(`${prefix}fast`, newEvents(1), 'no-stream');

      const visibleWhileOpen = [];
      for await (const event of store.readAll({ filter: { streamPrefixes: [prefix] } }))
        visibleWhileOpen.push(event);
      expect(visibleWhileOpen).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 300));

      await slow.query('COMMIT');
      const events = await received;
      expect(events.map((event) => event.stream)).toEqual([`${prefix}slow`, `${prefix}fast`]);
      expect(events[0]!.id).toBe(early!.id);
      expect(events[1]!.position).toBe(fast.events[0]!.position);
      expect(events[0]!.position < events[1]!.position).toBe(true);
    } finally {
      slow.release();
    }
  });
});
