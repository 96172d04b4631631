import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { openServerPool, type ServerPool } from './server-pool';

describe('the engine pool (openServerPool)', () => {
  let database: TestDatabase;
  let opened: ServerPool | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await opened?.pool.end();
    opened = undefined;
    await database.drop();
  });

  const backends = async (pool: ServerPool): Promise<number[]> => {
    const { rows } = await pool.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'loom'`,
    );
    return rows.map((row) => row.pid);
  };

  it('opens every connection before its first use, so no call waits for a new backend', async () => {
    opened = await openServerPool({ url: database.url, size: 3, onIdleError: () => undefined });
    expect(opened.connectionCounts()).toEqual({ opened: 3, open: 3, idle: 3, waiting: 0 });
    const { pool } = opened;
    await Promise.all(Array.from({ length: 9 }, () => pool.query('SELECT 1')));
    expect(await backends(opened)).toHaveLength(3);
    expect(opened.connectionCounts().opened).toBe(3);
  });

  it('drops a connection the server cut, reports it, and opens another on the next checkout', async () => {
    const cut: Error[] = [];
    opened = await openServerPool({
      url: database.url,
      size: 2,
      onIdleError: (error) => cut.push(error),
    });
    const [victim] = await backends(opened);
    const admin = await database.pool.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [victim]);
    } finally {
      admin.release();
    }
    for (let waited = 0; cut.length === 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cut).toHaveLength(1);
    await Promise.all([opened.pool.query('SELECT 1'), opened.pool.query('SELECT 1')]);
    expect(opened.connectionCounts()).toMatchObject({ opened: 3, open: 2 });
  });

  it('fails whole when the database refuses, naming it', async () => {
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    await expect(
      openServerPool({ url: url.toString(), size: 2, onIdleError: () => undefined }),
    ).rejects.toThrow(/no_such_database/);
  });
});
