import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPool, ensureDatabase, runMigrations } from '../../libs/postgres/src';
import { eventStoreMigrations } from '../../libs/event-store/src';

export interface TestDatabase {
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own on the run's shared server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['LOOM_TEST_SERVER_URL'];
  if (!serverUrl)
    throw new Error('LOOM_TEST_SERVER_URL is not set: run through jest (global setup)');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  await runMigrations(url, eventStoreMigrations);
  const pool = createPool(url, 20);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
