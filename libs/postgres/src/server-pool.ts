import { Pool } from 'pg';

/** What a long-lived process's pool has done, for its metrics. */
export interface PoolConnectionCounts {
  /** Connections opened since the pool was made (each a new PostgreSQL backend). */
  readonly opened: number;
  readonly open: number;
  readonly idle: number;
  /** Checkouts waiting for a connection. */
  readonly waiting: number;
}

export interface ServerPool {
  readonly pool: Pool;
  connectionCounts(): PoolConnectionCounts;
}

export interface ServerPoolOptions {
  readonly url: string;
  readonly size: number;
  /** An idle connection was cut (a server restart): reported, never thrown as an 'error' event. */
  readonly onIdleError: (error: Error) => void;
}

/**
 * The pool of a long-lived process (the engine, a saga worker): all `size` connections opened
 * before first use and kept open. pg's default closes a connection idle for 10 s, so at a few
 * calls a second a call often waited for a new one: connect, authenticate, and a new backend
 * that loads its catalog caches and plans every statement again. That fits the API's p99 at low
 * rates (CreateVpc's p99 137 ms at 25/s against 21 ms at 100/s in one full bench run, with the
 * engine's event loop and GC quiet); the next full run with this pool had 16.9 ms at 25/s and no
 * connection opened in any step (the API bench reports them per step). A connection cut by the server is dropped and the
 * next checkout opens another.
 */
export async function openServerPool(options: ServerPoolOptions): Promise<ServerPool> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.size,
    min: options.size,
    idleTimeoutMillis: 0,
    application_name: 'loom',
  });
  pool.on('error', options.onIdleError);
  let opened = 0;
  pool.on('connect', () => {
    opened += 1;
  });
  const checkouts = await Promise.allSettled(
    Array.from({ length: options.size }, () => pool.connect()),
  );
  for (const checkout of checkouts) if (checkout.status === 'fulfilled') checkout.value.release();
  const failed = checkouts.find((checkout) => checkout.status === 'rejected');
  if (failed !== undefined) {
    await pool.end();
    throw failed.reason;
  }
  return {
    pool,
    connectionCounts: () => ({
      opened,
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
  };
}
