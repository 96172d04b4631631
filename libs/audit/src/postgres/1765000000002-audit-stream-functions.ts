import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a stream is about, in SQL, so that the audit index fills `audit.entries` with one
 * INSERT ... SELECT inside the database instead of shipping every event to Node and back. The same
 * mapping as `auditedStream` (model/audited-stream.ts); an int spec holds the two together.
 */
export class AuditStreamFunctions1765000000002 implements MigrationInterface {
  name = 'AuditStreamFunctions1765000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION audit.stream_kind(stream text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN stream ~ '^tenant-[^/]+$' THEN 'tenant'
          WHEN stream ~ '^vpc-[^/]+/[^/]+$' THEN 'vpc'
          WHEN stream ~ '^subnet-[^/]+/[^/]+/[^/]+$' THEN 'subnet'
          WHEN stream ~ '^port-[^/]+/[^/]+/[^/]+/[^/]+$' THEN 'port'
          WHEN stream ~ '^operation-[^/]+/[^/]+$' THEN 'operation'
          WHEN stream ~ '^request-[^/]+/[^/]+$' THEN 'request'
          WHEN stream LIKE 'saga-%' THEN 'saga'
          WHEN stream LIKE 'audit-%' THEN 'audit'
          ELSE 'other'
        END
      $$`);
    await runner.query(`
      CREATE FUNCTION audit.stream_tenant(stream text, kind text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN kind IN ('tenant', 'vpc', 'subnet', 'port', 'operation', 'request')
          THEN split_part(substr(stream, length(kind) + 2), '/', 1) END
      $$`);
    await runner.query(`
      CREATE FUNCTION audit.stream_resource(stream text, kind text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE kind
          WHEN 'tenant' THEN 'tenants/' || substr(stream, 8)
          WHEN 'vpc' THEN regexp_replace(stream, '^vpc-([^/]+)/([^/]+)$', 'tenants/\\1/vpcs/\\2')
          WHEN 'subnet' THEN regexp_replace(stream, '^subnet-([^/]+)/([^/]+)/([^/]+)$',
            'tenants/\\1/vpcs/\\2/subnets/\\3')
          WHEN 'port' THEN regexp_replace(stream, '^port-([^/]+)/([^/]+)/([^/]+)/([^/]+)$',
            'tenants/\\1/vpcs/\\2/subnets/\\3/ports/\\4')
          WHEN 'operation' THEN regexp_replace(stream, '^operation-([^/]+)/([^/]+)$',
            'tenants/\\1/operations/\\2')
          WHEN 'request' THEN regexp_replace(stream, '^request-([^/]+)/([^/]+)$',
            'tenants/\\1/requests/\\2')
          WHEN 'saga' THEN 'sagas/' || substr(stream, 6)
          ELSE stream
        END COLLATE "C"
      $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION audit.stream_resource(text, text)`);
    await runner.query(`DROP FUNCTION audit.stream_tenant(text, text)`);
    await runner.query(`DROP FUNCTION audit.stream_kind(text)`);
  }
}
