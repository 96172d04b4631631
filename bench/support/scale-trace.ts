import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

/**
 * What the database is busy with while the engine starts, catches up or runs its first saga
 * (LOOM_BENCH_TRACE=1): pg_stat_activity sampled every `everyMs`, summed per statement (its first
 * 110 characters), so a statement that runs for seconds, or thousands of times, shows as the most
 * sampled. A poor man's pg_stat_statements that needs no server setting.
 */
export interface ActivityTrace {
  /** Stops sampling; the statements most often seen active, with how often and for how long. */
  stop(): Promise<string[]>;
}

interface Seen {
  samples: number;
  longestMs: number;
  waits: Set<string>;
}

export async function traceActivity(url: string, everyMs = 50): Promise<ActivityTrace> {
  const client = new Client({ connectionString: url, application_name: 'loom-bench-trace' });
  await client.connect();
  const seen = new Map<string, Seen>();
  let samples = 0;
  const state = { stopped: false };
  const startedAt = performance.now();
  const loop = (async (): Promise<void> => {
    while (!state.stopped) {
      const { rows } = await client.query<{ query: string; ms: number; wait: string | null }>(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query,
                (extract(epoch FROM clock_timestamp() - query_start) * 1000)::float8 AS ms,
                wait_event_type || ':' || wait_event AS wait
         FROM pg_stat_activity
         WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()`,
      );
      samples += 1;
      for (const row of rows) {
        const entry = seen.get(row.query) ?? { samples: 0, longestMs: 0, waits: new Set() };
        entry.samples += 1;
        entry.longestMs = Math.max(entry.longestMs, row.ms);
        if (row.wait !== null) entry.waits.add(row.wait);
        seen.set(row.query, entry);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop.catch(() => undefined);
      await client.end();
      const seconds = (performance.now() - startedAt) / 1_000;
      const top = [...seen.entries()].sort((a, b) => b[1].samples - a[1].samples).slice(0, 8);
      return [
        `${samples} samples in ${seconds.toFixed(1)} s`,
        ...top.map(
          ([query, entry]) =>
            `${entry.samples}x, longest ${entry.longestMs.toFixed(0)} ms` +
            `${entry.waits.size > 0 ? ` (${[...entry.waits].join(',')})` : ''}: ${query}`,
        ),
      ];
    },
  };
}

/** The events recorded from `sinceMs` (epoch ms) on, as offsets from it: what happened when. */
export async function eventTimeline(url: string, sinceMs: number, limit = 40): Promise<string[]> {
  const client = new Client({ connectionString: url, application_name: 'loom-bench-trace' });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: number; stream: string; type: string }>(
      `SELECT (extract(epoch FROM recorded_at) * 1000 - $1)::float8 AS at,
              stream_name AS stream, event_type AS type
       FROM event_store.events
       WHERE recorded_at >= to_timestamp($1 / 1000.0)
       ORDER BY global_position LIMIT $2`,
      [sinceMs, limit],
    );
    return rows.map((row) => `+${row.at.toFixed(0)} ms ${row.type} ${row.stream}`);
  } finally {
    await client.end();
  }
}
