import { useTestEventStore } from '../../../../test/support/test-event-store';
import { newEvents, take, uniquePrefix } from '../testing/contract-helpers';
import { appendStatement } from './append-statements';

/**
 * The trap of PostgreSQL event stores: a transaction that took its position first but commits
 * last. A reader that moved past the later position must not skip the earlier one.
 */
describe('PostgreSQL global order with a late commit', () => {
  const postgres = useTestEventStore({ pollIntervalMs: 10 });

  it('holds back later commits until the earlier transaction ends, then delivers both in order', async () => {
    const { database, store } = postgres;
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

/**
 * Positions carry the transaction id, so they gain a digit as the server ages (at xid 1526, 15259,
 * ...). Ordering must stay numeric across that boundary: it once sorted the text form.
 */
describe('PostgreSQL order across a change in the number of digits of positions', () => {
  const postgres = useTestEventStore({ pollIntervalMs: 10 });

  async function burnTransactionIdsUntilMoreDigits(): Promise<void> {
    const digits = async (): Promise<number> => {
      const { rows } = await postgres.database.pool.query<{ position: string }>(
        `SELECT (pg_current_xact_id()::text::bigint << 16)::text AS position`,
      );
      return rows[0]!.position.length;
    };
    const start = await digits();
    while ((await digits()) === start) {
      await postgres.database.pool.query(
        `DO $$ BEGIN FOR i IN 1..200 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
      );
    }
  }

  it('keeps readStream, readAll and subscriptions in numeric order', async () => {
    const { store } = postgres;
    const prefix = uniquePrefix('digits');
    const stream = `${prefix}s`;
    const subscription = store.subscribeToAll({
      from: 'start',
      filter: { streamPrefixes: [prefix] },
      batchSize: 3,
    });
    const received = take(subscription, 24, 30_000);
    for (let index = 0; index < 12; index += 1) await store.append(stream, newEvents(1), 'any');
    await burnTransactionIdsUntilMoreDigits();
    for (let index = 0; index < 12; index += 1) await store.append(stream, newEvents(1), 'any');

    const revisions = (await store.readStream(stream)).map((event) => event.revision);
    expect(revisions).toEqual(Array.from({ length: 24 }, (_, index) => index));
    const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
    expect(backwards.map((event) => event.revision)).toEqual([23, 22, 21]);
    const all = [];
    for await (const event of store.readAll({ filter: { streamPrefixes: [prefix] }, batchSize: 5 }))
      all.push(event);
    expect(all.map((event) => event.revision)).toEqual(revisions);
    expect((await received).map((event) => event.revision)).toEqual(revisions);
  });
});
