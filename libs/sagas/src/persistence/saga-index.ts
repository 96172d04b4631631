import type { JsonValue } from '@loom/event-store';
import type { Pool } from 'pg';
import type { IndexSnapshot } from './index-snapshot';
import type { SagaStatus } from './saga-status';

/** One saga as the index knows it: what the dashboard lists. */
export interface SagaSummary {
  readonly sagaId: string;
  readonly type: string;
  readonly resourceKey: string;
  readonly input: JsonValue;
  readonly status: SagaStatus;
  readonly currentStep: string | null;
  readonly lastError: string | null;
  readonly nextRunAt: Date | null;
  /** Revision of the saga stream the row reflects; -1 before the saga started. */
  readonly streamRevision: number;
  /** Order of start requests; sagas of one resource key start in this order. */
  readonly sequence: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** The leaf it works on, the resource it serves, that resource's tenant, its Operation (when known from the input). */
  readonly leaf: string | null;
  readonly resource: string | null;
  readonly tenant: string | null;
  readonly operation: string | null;
}

export interface ListSagasQuery {
  readonly status?: SagaStatus;
  readonly type?: string;
  readonly resourceKey?: string;
  /** Keyset paging: the `sequence` of the last saga of the previous page. */
  readonly after?: number;
  /** At most 1000; default 100. */
  readonly limit?: number;
}

export interface InstanceRow {
  saga_id: string;
  type: string;
  resource_key: string;
  input: JsonValue;
  status: SagaStatus;
  current_step: string | null;
  last_error: string | null;
  next_run_at: Date | null;
  stream_revision: string;
  created_seq: string;
  created_at: Date;
  updated_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  leaf: string | null;
  resource: string | null;
  tenant: string | null;
  operation: string | null;
}

export const instanceColumns = `saga_id, type, resource_key, input, status, current_step, last_error,
  next_run_at, stream_revision, created_seq, created_at, updated_at, lease_owner, lease_expires_at,
  leaf, resource, tenant, operation`;
const columns = instanceColumns;

/**
 * `sagas.instances`: how workers find runnable sagas and the dashboard lists them. A row is
 * written first, when a saga is requested (it is the saga's queue entry until the saga starts);
 * after that it is a projection of the saga stream, rewritten after each append. The stream stays
 * the truth: a row left behind by a crash between an append and its update is only stale, and is
 * corrected by the next worker that claims the saga and folds the stream.
 */
export class SagaIndex {
  constructor(private readonly pool: Pool) {}

  /** Inserts the saga as waiting, or returns the row already there (inserted false). */
  async insert(entry: {
    sagaId: string;
    type: string;
    resourceKey: string;
    input: JsonValue;
  }): Promise<{ inserted: boolean; summary: SagaSummary; sameRequest: boolean }> {
    const inputJson = JSON.stringify(entry.input);
    const { rows } = await this.pool.query<InstanceRow>(
      `INSERT INTO sagas.instances (saga_id, type, resource_key, input, status, next_run_at)
       VALUES ($1, $2, $3, $4::jsonb, 'waiting', now())
       ON CONFLICT (saga_id) DO NOTHING
       RETURNING ${columns}`,
      [entry.sagaId, entry.type, entry.resourceKey, inputJson],
    );
    const inserted = rows[0];
    if (inserted) return { inserted: true, summary: toSummary(inserted), sameRequest: true };
    const { rows: existing } = await this.pool.query<InstanceRow & { same_input: boolean }>(
      `SELECT ${columns}, input = $2::jsonb AS same_input FROM sagas.instances WHERE saga_id = $1`,
      [entry.sagaId, inputJson],
    );
    const row = existing[0];
    if (!row) throw new Error(`saga ${entry.sagaId} was neither inserted nor found`);
    const sameRequest =
      row.same_input && row.type === entry.type && row.resource_key === entry.resourceKey;
    return { inserted: false, summary: toSummary(row), sameRequest };
  }

  async get(sagaId: string): Promise<SagaSummary | undefined> {
    const { rows } = await this.pool.query<InstanceRow>(
      `SELECT ${columns} FROM sagas.instances WHERE saga_id = $1`,
      [sagaId],
    );
    return rows[0] ? toSummary(rows[0]) : undefined;
  }

  async list(query: ListSagasQuery = {}): Promise<SagaSummary[]> {
    const limit = query.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new RangeError(`limit must be an integer from 1 to 1000, got ${limit}`);
    }
    const { rows } = await this.pool.query<InstanceRow>(
      `SELECT ${columns} FROM sagas.instances
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR type = $2)
         AND ($3::text IS NULL OR resource_key = $3) AND created_seq > $4
       ORDER BY created_seq LIMIT $5`,
      [
        query.status ?? null,
        query.type ?? null,
        query.resourceKey ?? null,
        query.after ?? 0,
        limit,
      ],
    );
    return rows.map(toSummary);
  }

  /** How many sagas of each type are in each status (only the pairs that have some). */
  async counts(): Promise<{ type: string; status: SagaStatus; count: number }[]> {
    const { rows } = await this.pool.query<{ type: string; status: SagaStatus; count: string }>(
      `SELECT type, status, count(*)::text AS count FROM sagas.instances GROUP BY type, status`,
    );
    return rows.map((row) => ({ type: row.type, status: row.status, count: Number(row.count) }));
  }

  /** Statuses of the given sagas (those that exist). */
  async statuses(sagaIds: readonly string[]): Promise<Map<string, SagaStatus>> {
    const { rows } = await this.pool.query<{ saga_id: string; status: SagaStatus }>(
      `SELECT saga_id, status FROM sagas.instances WHERE saga_id = ANY($1::text[])`,
      [sagaIds],
    );
    return new Map(rows.map((row) => [row.saga_id, row.status]));
  }

  /**
   * Writes what the stream at `revision` says. A row never moves back to an older revision (a
   * slower writer loses); a finished saga gives up its resource in the same statement, and
   * `releasedBy` gives up its lease.
   */
  async record(
    sagaId: string,
    revision: number,
    snapshot: IndexSnapshot,
    releasedBy?: string,
  ): Promise<void> {
    await this.pool.query(
      `WITH updated AS (
         UPDATE sagas.instances i
         SET status = CASE WHEN i.stream_revision <= $6 THEN $2 ELSE i.status END,
             current_step = CASE WHEN i.stream_revision <= $6 THEN $3 ELSE i.current_step END,
             last_error = CASE WHEN i.stream_revision <= $6 THEN $4 ELSE i.last_error END,
             next_run_at = CASE WHEN i.stream_revision <= $6 THEN $5 ELSE i.next_run_at END,
             stream_revision = GREATEST(i.stream_revision, $6),
             updated_at = now(),
             lease_owner = CASE WHEN i.lease_owner = $7 THEN NULL ELSE i.lease_owner END,
             lease_expires_at = CASE WHEN i.lease_owner = $7 THEN NULL ELSE i.lease_expires_at END
         WHERE i.saga_id = $1 AND (i.stream_revision <= $6 OR i.lease_owner = $7)
         RETURNING i.saga_id
       )
       DELETE FROM sagas.resource_holders WHERE saga_id = $1 AND $2 IN ('completed', 'failed')`,
      [
        sagaId,
        snapshot.status,
        snapshot.currentStep,
        snapshot.lastError,
        snapshot.nextRunAt,
        revision,
        releasedBy ?? null,
      ],
    );
  }
}

export function toSummary(row: InstanceRow): SagaSummary {
  return {
    sagaId: row.saga_id,
    type: row.type,
    resourceKey: row.resource_key,
    input: row.input,
    status: row.status,
    currentStep: row.current_step,
    lastError: row.last_error,
    nextRunAt: row.next_run_at,
    streamRevision: Number(row.stream_revision),
    sequence: Number(row.created_seq),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    leaf: row.leaf,
    resource: row.resource,
    tenant: row.tenant,
    operation: row.operation,
  };
}
