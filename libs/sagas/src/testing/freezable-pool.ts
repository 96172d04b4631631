import type { Pool } from 'pg';

export interface FreezablePool {
  readonly pool: Pool;
  /** From now on every query waits, unsent: the process is frozen (or cut off) as far as PostgreSQL can tell. */
  freeze(): void;
  /** Sends the queries that waited, in order, and lets new ones through. */
  thaw(): void;
}

/**
 * A pool whose queries can be held back, to play a worker that stops dead mid-saga (kill -9,
 * a long GC pause, a network partition) without killing the test process: it renews nothing and
 * appends nothing while frozen. Thawing it plays the paused worker that wakes up again.
 */
export function freezablePool(pool: Pool): FreezablePool {
  let frozen = false;
  const held: (() => void)[] = [];
  const query = (...args: unknown[]): Promise<unknown> => {
    const send = (): Promise<unknown> =>
      (pool.query as (...params: unknown[]) => Promise<unknown>).apply(pool, args);
    if (!frozen) return send();
    return new Promise((resolve, reject) => {
      held.push(() => {
        send().then(resolve, reject);
      });
    });
  };
  const proxy = new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (value as (...params: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return {
    pool: proxy,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const send of held.splice(0)) send();
    },
  };
}
