import type { JsonValue } from '@loom/event-store';
import type { Pool } from 'pg';
import type { SagaStatus } from './saga-status';

/** A saga a worker claimed: it may run it until its lease expires (renewed while it runs). */
export interface SagaClaim {
  readonly sagaId: string;
  readonly type: string;
  readonly resourceKey: string;
  readonly input: JsonValue;
  readonly status: SagaStatus;
  /** The worker whose lease expired when this one claimed the saga: a takeover. */
  readonly previousOwner: string | null;
}

interface ClaimRow {
  saga_id: string;
  type: string;
  resource_key: string;
  input: JsonValue;
  status: SagaStatus;
  previous_owner: string | null;
}

/**
 * The claim's candidates are found without reading the queues: the head of each resource's queue
 * of waiting sagas (a loose index scan over `instances_queue`, one probe per resource key with
 * waiting sagas, whatever the queues' lengths), the sagas that hold a resource, and the started
 * ones (`running`, `compensating`). Only those rows are then locked, checked (due, of the worker's
 * types, no live lease) and leased. A claim thus costs what the resources and the started sagas
 * number, not the backlog: the earlier form tested every waiting saga for "no earlier waiting saga
 * of its resource", so with 86,000 waiting port sagas on 4 leaves one claim ran for over 9 minutes
 * (bench/README.md, "Scale"). A claim is a hint (`acquireResource` decides who holds a resource),
 * so a head that moved on meanwhile costs at most a claim that runs nothing.
 */
export const claimStatement = `
  WITH RECURSIVE heads AS (
    (SELECT e.resource_key, e.saga_id FROM sagas.instances e
     WHERE e.status = 'waiting'
     ORDER BY e.resource_key, e.created_seq
     LIMIT 1)
    UNION ALL
    SELECT next.resource_key, next.saga_id
    FROM heads h
    CROSS JOIN LATERAL (
      SELECT e.resource_key, e.saga_id FROM sagas.instances e
      WHERE e.status = 'waiting' AND e.resource_key > h.resource_key
      ORDER BY e.resource_key, e.created_seq
      LIMIT 1) next
  ), runnable AS (
    SELECT heads.saga_id FROM heads
    WHERE NOT EXISTS (
      SELECT 1 FROM sagas.resource_holders r WHERE r.resource_key = heads.resource_key)
    UNION
    SELECT r.saga_id FROM sagas.resource_holders r
    UNION
    SELECT s.saga_id FROM sagas.instances s WHERE s.status IN ('running', 'compensating')
  ), candidates AS (
    SELECT i.saga_id, i.lease_owner AS previous_owner
    FROM sagas.instances i
    WHERE i.saga_id = ANY (ARRAY(SELECT runnable.saga_id FROM runnable))
      AND i.status IN ('waiting', 'running', 'compensating')
      AND i.next_run_at <= now()
      AND i.type = ANY($2::text[])
      AND (i.lease_owner IS NULL OR i.lease_expires_at <= now())
    ORDER BY i.next_run_at, i.created_seq
    LIMIT $3
    FOR UPDATE OF i SKIP LOCKED
  )
  UPDATE sagas.instances s
  SET lease_owner = $1, lease_expires_at = now() + $4 * interval '1 millisecond',
      claims = s.claims + 1
  FROM candidates c
  WHERE s.saga_id = c.saga_id
  RETURNING s.saga_id, s.type, s.resource_key, s.input, s.status, c.previous_owner`;

/**
 * Leases live on the saga's index row (`lease_owner`, `lease_expires_at`), not in a table of
 * their own: whether a saga is runnable (status, backoff, its resource's queue) and whether it is
 * free are then one row, so a claim is one statement that picks and leases a batch atomically
 * (`FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on each other or pick the same
 * saga), and a renewal is one statement for all the sagas a worker holds. Expiry is judged by the
 * database's clock only, so workers' clocks do not matter.
 *
 * A lease is not proof of ownership on its own (a paused worker may still believe it holds an
 * expired one): every append of a worker names the revision its decision was made on, so a
 * worker that lost its saga fails its next append and stops (the fencing token).
 */
export class SagaLeases {
  constructor(private readonly pool: Pool) {}

  /**
   * Leases up to `limit` runnable sagas of the given types: started ones that are due, and
   * waiting ones at the head of their resource's queue (no other saga holds the resource, none
   * requested earlier is still waiting), unless a live lease covers them.
   */
  async claim(
    owner: string,
    types: readonly string[],
    limit: number,
    leaseMs: number,
  ): Promise<SagaClaim[]> {
    const { rows } = await this.pool.query<ClaimRow>(claimStatement, [
      owner,
      types,
      limit,
      leaseMs,
    ]);
    return rows.map((row) => ({
      sagaId: row.saga_id,
      type: row.type,
      resourceKey: row.resource_key,
      input: row.input,
      status: row.status,
      previousOwner: row.previous_owner === owner ? null : row.previous_owner,
    }));
  }

  /**
   * Extends the leases this owner still holds; returns the ids renewed. An expired lease that
   * nobody claimed since is still this owner's (a claim rewrites the owner), so it is renewed.
   */
  async renew(owner: string, sagaIds: readonly string[], leaseMs: number): Promise<Set<string>> {
    if (sagaIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ saga_id: string }>(
      `UPDATE sagas.instances SET lease_expires_at = now() + $3 * interval '1 millisecond'
       WHERE lease_owner = $1 AND saga_id = ANY($2::text[])
       RETURNING saga_id`,
      [owner, sagaIds, leaseMs],
    );
    return new Set(rows.map((row) => row.saga_id));
  }

  /** Gives the saga back (if still held), due again at `nextRunAt` when given. */
  async release(owner: string, sagaId: string, nextRunAt?: Date): Promise<void> {
    await this.pool.query(
      `UPDATE sagas.instances
       SET lease_owner = NULL, lease_expires_at = NULL, next_run_at = COALESCE($3, next_run_at)
       WHERE saga_id = $1 AND lease_owner = $2`,
      [sagaId, owner, nextRunAt ?? null],
    );
  }

  /**
   * Makes the saga the holder of its resource, unless another saga holds it; true when it does.
   * Sagas of one resource key thus never run at once, whatever order their requests commit in.
   */
  async acquireResource(sagaId: string, resourceKey: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ saga_id: string }>(
      `WITH holder AS (
         INSERT INTO sagas.resource_holders AS h (resource_key, saga_id) VALUES ($2, $1)
         ON CONFLICT (resource_key) DO UPDATE SET saga_id = h.saga_id
         RETURNING h.saga_id
       ), begun AS (
         UPDATE sagas.instances SET status = 'running', updated_at = now()
         WHERE saga_id = $1 AND status = 'waiting'
           AND EXISTS (SELECT 1 FROM holder WHERE holder.saga_id = $1)
       )
       SELECT saga_id FROM holder`,
      [sagaId, resourceKey],
    );
    return rows[0]?.saga_id === sagaId;
  }
}
