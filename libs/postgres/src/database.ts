import { Client, Pool } from 'pg';

/**
 * A pool whose idle connections may be cut (a server restart, or Ctrl-C reaching an embedded
 * server first): such errors are reported, not thrown as an unhandled 'error' event.
 */
export function createPool(
  url: string,
  max = 10,
  onIdleError: (error: Error) => void = () => undefined,
): Pool {
  const pool = new Pool({ connectionString: url, max, application_name: 'loom' });
  pool.on('error', onIdleError);
  return pool;
}

/** Creates a database if it is missing (CREATE DATABASE cannot run in a transaction or take parameters). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
    throw new Error(`invalid database name ${database}`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
