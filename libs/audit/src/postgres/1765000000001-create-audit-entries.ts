import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.entries`: one row per event, what the audit trail filters on (tenant, resource, actor,
 * request, correlation, type, instant), filled behind the appends by the audit index; the events
 * themselves stay in the event store. Appends never touch it, so they pay for none of its indexes.
 * `resource` sorts bytewise (COLLATE "C") so that "this resource and everything under it" is a
 * range of the index.
 */
export class CreateAuditEntries1765000000001 implements MigrationInterface {
  name = 'CreateAuditEntries1765000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit.entries (
        position bigint PRIMARY KEY,
        stream text NOT NULL,
        revision bigint NOT NULL,
        kind text NOT NULL,
        tenant text,
        resource text COLLATE "C" NOT NULL,
        actor text,
        method text,
        request_id text,
        correlation_id text,
        event_type text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX entries_tenant ON audit.entries (tenant, position)`);
    await runner.query(`CREATE INDEX entries_resource ON audit.entries (resource, position)`);
    await runner.query(`CREATE INDEX entries_actor ON audit.entries (actor, position)`);
    await runner.query(
      `CREATE INDEX entries_request ON audit.entries (request_id) WHERE request_id IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX entries_correlation ON audit.entries (correlation_id)`);
    await runner.query(`CREATE INDEX entries_recorded_at ON audit.entries (recorded_at)`);
    await runner.query(`
      CREATE TABLE audit.index_position (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        below bigint NOT NULL
      )`);
    await runner.query(`INSERT INTO audit.index_position (below) VALUES (0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE audit.index_position`);
    await runner.query(`DROP TABLE audit.entries`);
  }
}
