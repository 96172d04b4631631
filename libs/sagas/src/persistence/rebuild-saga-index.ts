import type { EventStore } from '@loom/event-store';
import type { Pool } from 'pg';
import { sagaStreamPrefix } from '../definition/saga-names';
import { sagaDecider } from '../domain/saga.decider';
import type { SagaState } from '../domain/saga.state';
import { decodeSagaEvent } from '../store/saga-event-codec';
import { indexSnapshot } from './index-snapshot';
import { isFinished } from './saga-status';

export interface RebuildSagaIndexOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly clock?: () => Date;
}

/**
 * Rewrites the index rows (and resource holders) of every started saga from the saga streams,
 * in the order the sagas started. Rows the streams know nothing of (sagas still waiting to start)
 * are left as they are; so are leases, which expire on their own. For repair after a restore,
 * best run with the workers stopped.
 */
export async function rebuildSagaIndex(
  options: RebuildSagaIndexOptions,
): Promise<{ sagas: number }> {
  const { pool, store } = options;
  const now = (options.clock ?? (() => new Date()))();
  const folded = new Map<string, { state: SagaState; revision: number }>();
  for await (const recorded of store.readAll({ filter: { streamPrefixes: [sagaStreamPrefix] } })) {
    const entry = folded.get(recorded.stream) ?? {
      state: sagaDecider.initialState(),
      revision: -1,
    };
    entry.state = sagaDecider.evolve(entry.state, decodeSagaEvent(recorded));
    entry.revision = recorded.revision;
    folded.set(recorded.stream, entry);
  }
  let sagas = 0;
  for (const { state, revision } of folded.values()) {
    if (state.status === 'NotStarted') continue;
    const { facts } = state;
    const snapshot = indexSnapshot(state, now);
    await pool.query(
      `INSERT INTO sagas.instances AS i (saga_id, type, resource_key, input, status, current_step,
         last_error, next_run_at, stream_revision)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)
       ON CONFLICT (saga_id) DO UPDATE SET status = EXCLUDED.status,
         current_step = EXCLUDED.current_step, last_error = EXCLUDED.last_error,
         next_run_at = EXCLUDED.next_run_at, stream_revision = EXCLUDED.stream_revision,
         updated_at = now()
       WHERE i.stream_revision <= EXCLUDED.stream_revision`,
      [
        facts.sagaId,
        facts.sagaType,
        facts.resourceKey,
        JSON.stringify(facts.input),
        snapshot.status,
        snapshot.currentStep,
        snapshot.lastError,
        snapshot.nextRunAt,
        revision,
      ],
    );
    await pool.query(
      isFinished(snapshot.status)
        ? `DELETE FROM sagas.resource_holders WHERE saga_id = $1 AND $2::text IS NOT NULL`
        : `INSERT INTO sagas.resource_holders (resource_key, saga_id) VALUES ($2, $1)
           ON CONFLICT (resource_key) DO NOTHING`,
      [facts.sagaId, facts.resourceKey],
    );
    sagas += 1;
  }
  return { sagas };
}
