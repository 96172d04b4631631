import type { TestDatabase } from '../../../../test/support/test-database';
import { createSagaTestDatabase } from '../testing/saga-test-kit';
import { claimStatement, SagaLeases } from './saga-leases';

/** Waiting sagas `{prefix}0..{count-1}` on one resource, in that order, due now. */
async function enqueue(database: TestDatabase, prefix: string, key: string, count: number) {
  await database.pool.query(
    `INSERT INTO sagas.instances (saga_id, type, resource_key, input, status, next_run_at)
     SELECT $1 || n, 'fabric', $2, '{}'::jsonb, 'waiting', now() - interval '1 second'
     FROM generate_series(0, $3 - 1) AS n ORDER BY n`,
    [prefix, key, count],
  );
}

/** Plan buffers the statement touched (shared hits and reads), from EXPLAIN (ANALYZE, BUFFERS). */
async function buffersOf(database: TestDatabase, owner: string): Promise<number> {
  const { rows } = await database.pool.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${claimStatement}`,
    [owner, ['fabric'], 16, 30_000],
  );
  const plan = rows[0]?.['QUERY PLAN'][0].Plan ?? {};
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

/**
 * A claim reads the heads of the resources' queues, not the queues: its cost must not grow with
 * the backlog (bench/README.md, "Scale": the form before this one ran for over 9 minutes with
 * 86,000 waiting port sagas on 4 leaves; on this fixture it took 17 to 20 s and 3,480,000 buffers,
 * this one 238 buffers and under 2 ms).
 */
describe('claiming sagas behind a long backlog', () => {
  let database: TestDatabase;
  let leases: SagaLeases;

  beforeAll(async () => {
    database = await createSagaTestDatabase();
    leases = new SagaLeases(database.pool);
    // leaf/a: held by a running saga, 10,000 waiting behind it.
    await database.pool.query(
      `INSERT INTO sagas.instances (saga_id, type, resource_key, input, status, next_run_at)
       VALUES ('a-running', 'fabric', 'leaf/a', '{}', 'running', now() - interval '2 seconds')`,
    );
    await database.pool.query(
      `INSERT INTO sagas.resource_holders (resource_key, saga_id) VALUES ('leaf/a', 'a-running')`,
    );
    await enqueue(database, 'a-', 'leaf/a', 10_000);
    // leaf/b: free, 10,000 waiting.
    await enqueue(database, 'b-', 'leaf/b', 10_000);
    // leaf/c: free, 10,000 waiting of which the first 5,000 have completed since.
    await enqueue(database, 'c-', 'leaf/c', 10_000);
    await database.pool.query(
      `UPDATE sagas.instances SET status = 'completed'
       WHERE resource_key = 'leaf/c' AND created_seq < (
         SELECT min(created_seq) + 5000 FROM sagas.instances WHERE resource_key = 'leaf/c')`,
    );
    // leaf/d: its head is not due yet, so nothing behind it may run.
    await enqueue(database, 'd-', 'leaf/d', 100);
    await database.pool.query(
      `UPDATE sagas.instances SET next_run_at = now() + interval '1 hour' WHERE saga_id = 'd-0'`,
    );
    await database.pool.query('ANALYZE sagas.instances');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('leases the started saga and the head of each free queue, and only them', async () => {
    const claimed = await leases.claim('worker-1', ['fabric'], 16, 30_000);
    expect(claimed.map((claim) => claim.sagaId)).toEqual(['a-running', 'b-0', 'c-5000']);
    await expect(leases.claim('worker-2', ['fabric'], 16, 30_000)).resolves.toEqual([]);
  });

  it('touches a few hundred buffers, not the 30,100 waiting sagas', async () => {
    expect(await buffersOf(database, 'worker-3')).toBeLessThan(500);
  });
});
