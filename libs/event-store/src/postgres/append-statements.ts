import type { ExpectedRevision } from '../expected-revision';

/**
 * One statement per expected-revision form. Each claims the stream row (creating or bumping its
 * revision) and inserts the events in the same statement: one round trip and one implicit
 * transaction. When the claim fails no row is inserted and the statement returns nothing.
 * Parameters: $1 stream, $2 event count, $3 ids, $4 types, $5 schema versions, $6 data, $7 metadata,
 * $8 expected revision (exact form only).
 */
const claimByForm = {
  'no-stream': `INSERT INTO event_store.streams (stream_name, revision) VALUES ($1, $2 - 1)
                ON CONFLICT (stream_name) DO NOTHING RETURNING revision`,
  exists: `UPDATE event_store.streams SET revision = revision + $2 WHERE stream_name = $1 RETURNING revision`,
  any: `INSERT INTO event_store.streams AS s (stream_name, revision) VALUES ($1, $2 - 1)
        ON CONFLICT (stream_name) DO UPDATE SET revision = s.revision + $2 RETURNING revision`,
  exact: `UPDATE event_store.streams SET revision = revision + $2
          WHERE stream_name = $1 AND revision = $8 RETURNING revision`,
} as const;

/** The columns an append writes, in the order both statements select them. */
const insertedColumns =
  '(global_position, event_id, stream_name, stream_revision, event_type, schema_version, data, metadata)';

export function appendStatement(expected: ExpectedRevision): string {
  const claim = claimByForm[typeof expected === 'number' ? 'exact' : expected];
  return `
    WITH claim AS (${claim}),
    inserted AS (
      INSERT INTO event_store.events
        ${insertedColumns}
      SELECT (pg_current_xact_id()::text::bigint << 16) | (e.ordinality - 1),
             e.id, $1, claim.revision - $2 + e.ordinality, e.type, e.version, e.data, e.metadata
      FROM claim,
           unnest($3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])
             WITH ORDINALITY AS e(id, type, version, data, metadata, ordinality)
      RETURNING event_id, stream_revision, global_position
    )
    SELECT event_id::text, stream_revision::int AS revision, global_position::text AS position
    FROM inserted ORDER BY global_position`;
}

/**
 * The same append for exactly one event, with scalar parameters: no arrays to encode and unnest,
 * no ordering of one row. Measured apart (bench/README.md, "Appends"), the many-event statement's
 * shape cost about 30 % of a one-event append at 8 writers. Parameters as appendStatement's, each
 * array replaced by its one element.
 */
export function appendOneStatement(expected: ExpectedRevision): string {
  const claim = claimByForm[typeof expected === 'number' ? 'exact' : expected];
  return `
    WITH claim AS (${claim})
    INSERT INTO event_store.events
      ${insertedColumns}
    SELECT pg_current_xact_id()::text::bigint << 16, $3::uuid, $1, claim.revision, $4::text, $5::int,
           $6::jsonb, $7::jsonb
    FROM claim
    RETURNING event_id::text, stream_revision::int AS revision, global_position::text AS position`;
}

export const eventIdUniqueConstraint = 'events_event_id_unique';
