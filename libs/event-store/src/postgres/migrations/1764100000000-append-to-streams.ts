import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_store.append_to_streams`: the atomic multi-stream append in one round trip. It claims
 * every stream (creating or bumping its row, each by its expected-revision form), raises
 * `LM001` when any claim fails, so that nothing of the call stays written, and inserts the events
 * with positions from the transaction's id, in the order given. A single SQL statement cannot
 * undo the claims it already made when a later one fails; a function can, by raising.
 *
 * Per stream: `p_streams`, `p_forms` ('no-stream', 'exists', 'any', 'exact'), `p_expected` (the
 * revision for 'exact'), `p_counts`; per event, grouped by stream in that order: `p_event_streams`,
 * ids, types, schema versions, data, metadata.
 */
export class AppendToStreams1764100000000 implements MigrationInterface {
  name = 'AppendToStreams1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION event_store.append_to_streams(
        p_streams text[], p_forms text[], p_expected bigint[], p_counts integer[],
        p_event_streams text[], p_ids uuid[], p_types text[], p_versions integer[],
        p_data jsonb[], p_metadata jsonb[])
      RETURNS TABLE (appended_id text, appended_stream text, appended_revision integer,
                     appended_position text)
      LANGUAGE plpgsql AS $$
      DECLARE
        claimed_streams text[];
        claimed_revisions bigint[];
      BEGIN
        WITH wanted AS (
          SELECT * FROM unnest(p_streams, p_forms, p_expected, p_counts)
            AS w(stream_name, form, expected, n)
        ),
        created AS (
          INSERT INTO event_store.streams (stream_name, revision)
          SELECT w.stream_name, w.n - 1 FROM wanted w WHERE w.form = 'no-stream'
          ON CONFLICT (stream_name) DO NOTHING
          RETURNING streams.stream_name, streams.revision
        ),
        upserted AS (
          INSERT INTO event_store.streams AS s (stream_name, revision)
          SELECT w.stream_name, w.n - 1 FROM wanted w WHERE w.form = 'any'
          ON CONFLICT (stream_name) DO UPDATE SET revision = s.revision + excluded.revision + 1
          RETURNING s.stream_name, s.revision
        ),
        updated AS (
          UPDATE event_store.streams AS s SET revision = s.revision + w.n
          FROM wanted w
          WHERE s.stream_name = w.stream_name
            AND (w.form = 'exists' OR (w.form = 'exact' AND s.revision = w.expected))
          RETURNING s.stream_name, s.revision
        )
        SELECT array_agg(c.stream_name), array_agg(c.revision)
        INTO claimed_streams, claimed_revisions
        FROM (SELECT * FROM created UNION ALL SELECT * FROM upserted UNION ALL SELECT * FROM updated) c;

        IF coalesce(cardinality(claimed_streams), 0) <> cardinality(p_streams) THEN
          RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'LM001';
        END IF;

        RETURN QUERY
        WITH claimed AS (
          SELECT c.stream_name, c.revision, w.n
          FROM unnest(claimed_streams, claimed_revisions) AS c(stream_name, revision)
          JOIN unnest(p_streams, p_counts) AS w(stream_name, n) ON w.stream_name = c.stream_name
        ),
        offered AS (
          SELECT e.*, row_number() OVER (PARTITION BY e.stream_name ORDER BY e.ordinality) AS nth
          FROM unnest(p_event_streams, p_ids, p_types, p_versions, p_data, p_metadata)
            WITH ORDINALITY AS e(stream_name, id, type, version, data, metadata, ordinality)
        ),
        inserted AS (
          INSERT INTO event_store.events
            (global_position, event_id, stream_name, stream_revision, event_type, schema_version,
             data, metadata)
          SELECT (pg_current_xact_id()::text::bigint << 16) | (o.ordinality - 1),
                 o.id, o.stream_name, c.revision - c.n + o.nth, o.type, o.version, o.data, o.metadata
          FROM offered o JOIN claimed c ON c.stream_name = o.stream_name
          RETURNING events.event_id, events.stream_name, events.stream_revision,
                    events.global_position
        )
        SELECT i.event_id::text, i.stream_name, i.stream_revision::integer, i.global_position::text
        FROM inserted i ORDER BY i.global_position;
      END
      $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION event_store.append_to_streams`);
  }
}
