import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export interface QueryCounts {
  /** Statements sent: one round trip each. */
  readonly queries: number;
  /** Their latencies added up (concurrent connections overlap), seconds. */
  readonly seconds: number;
}

export interface QueryCounter {
  counts(): QueryCounts;
  /** Puts node-postgres back as it was. */
  stop(): void;
}

type Query = (this: Client, ...args: unknown[]) => unknown;
type Parameters = { connectionParameters?: { application_name?: string } };

/**
 * Counts the statements node-postgres sends on connections of one application name (TypeORM's
 * read-model data source says `loom-read-model`) and adds up how long each took to answer.
 * Costs a counter and a clock read per statement; one counter at a time.
 */
export function countQueries(applicationName: string): QueryCounter {
  const prototype = Client.prototype as unknown as { query: Query };
  const original = prototype.query;
  const state = { queries: 0, ms: 0 };
  prototype.query = function (this: Client, ...args: unknown[]): unknown {
    if ((this as Parameters).connectionParameters?.application_name !== applicationName) {
      return original.apply(this, args);
    }
    state.queries += 1;
    const start = performance.now();
    const settle = (): void => {
      state.ms += performance.now() - start;
    };
    // pg-pool's query passes a callback; TypeORM awaits the promise.
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (...results: unknown[]): unknown => {
        settle();
        return (callback as (...results: unknown[]) => unknown)(...results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(settle, settle);
    return result;
  };
  return {
    counts: () => ({ queries: state.queries, seconds: state.ms / 1_000 }),
    stop: () => {
      prototype.query = original;
    },
  };
}
