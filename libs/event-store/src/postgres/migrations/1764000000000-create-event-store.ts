import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log. `global_position` encodes the writing transaction's id (xid8) in its high bits
 * and the event's index within the append in its low 16 bits, so positions sort by transaction.
 * Readers only read below the oldest running transaction (pg_snapshot_xmin), a prefix of the log
 * that can no longer grow: a reader never skips an event that commits late.
 */
export class CreateEventStore1764000000000 implements MigrationInterface {
  name = 'CreateEventStore1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await runner.query(`
      CREATE TABLE event_store.streams (
        stream_name text PRIMARY KEY,
        revision bigint NOT NULL CHECK (revision >= 0)
      )`);
    await runner.query(`
      CREATE TABLE event_store.events (
        global_position bigint PRIMARY KEY,
        event_id uuid NOT NULL,
        stream_name text NOT NULL,
        stream_revision bigint NOT NULL,
        event_type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_stream_revision_unique UNIQUE (stream_name, stream_revision)
      )`);
    await runner.query(`
      CREATE TABLE event_store.subscription_checkpoints (
        subscription_name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP SCHEMA event_store CASCADE`);
  }
}
