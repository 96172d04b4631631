import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AuditStreamFunctions1765000000002 } from './1765000000002-audit-stream-functions';

/**
 * The external network's streams (external networks, VPC external gateways, floating IPs) and
 * operators' drift repairs get kinds and resource names of their own, as `auditedStream` names
 * them; entries indexed before as `other` are named again.
 */
export class AuditExternalKinds1765000000003 implements MigrationInterface {
  name = 'AuditExternalKinds1765000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION audit.stream_kind(stream text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN stream ~ '^tenant-[^/]+$' THEN 'tenant'
          WHEN stream ~ '^vpc-[^/]+/[^/]+$' THEN 'vpc'
          WHEN stream ~ '^subnet-[^/]+/[^/]+/[^/]+$' THEN 'subnet'
          WHEN stream ~ '^port-[^/]+/[^/]+/[^/]+/[^/]+$' THEN 'port'
          WHEN stream ~ '^operation-[^/]+/[^/]+$' THEN 'operation'
          WHEN stream ~ '^request-[^/]+/[^/]+$' THEN 'request'
          WHEN stream ~ '^external-gateway-[^/]+/[^/]+$' THEN 'external-gateway'
          WHEN stream ~ '^floating-ip-[^/]+/[^/]+$' THEN 'floating-ip'
          WHEN stream ~ '^external-network-[^/]+$' THEN 'external-network'
          WHEN stream ~ '^fabric-repair-[^/]+$' THEN 'fabric-repair'
          WHEN stream LIKE 'saga-%' THEN 'saga'
          WHEN stream LIKE 'audit-%' THEN 'audit'
          ELSE 'other'
        END
      $$`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION audit.stream_tenant(stream text, kind text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN kind IN ('tenant', 'vpc', 'subnet', 'port', 'operation', 'request',
                                  'external-gateway', 'floating-ip')
          THEN split_part(substr(stream, length(kind) + 2), '/', 1) END
      $$`);
    await runner.query(`
      CREATE OR REPLACE FUNCTION audit.stream_resource(stream text, kind text) RETURNS text
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
          WHEN 'external-gateway' THEN regexp_replace(stream,
            '^external-gateway-([^/]+)/([^/]+)$', 'tenants/\\1/vpcs/\\2/externalGateway')
          WHEN 'floating-ip' THEN regexp_replace(stream, '^floating-ip-([^/]+)/([^/]+)$',
            'tenants/\\1/floatingIps/\\2')
          WHEN 'external-network' THEN 'externalNetworks/' || substr(stream, 18)
          WHEN 'fabric-repair' THEN 'fabric/repairs/' || substr(stream, 15)
          WHEN 'saga' THEN 'sagas/' || substr(stream, 6)
          ELSE stream
        END COLLATE "C"
      $$`);
    // Entries indexed before these kinds existed: named again, their tenant from the stream.
    await runner.query(`
      UPDATE audit.entries
      SET kind = audit.stream_kind(stream),
          tenant = COALESCE(audit.stream_tenant(stream, audit.stream_kind(stream)), tenant),
          resource = audit.stream_resource(stream, audit.stream_kind(stream))
      WHERE kind = 'other' AND audit.stream_kind(stream) <> 'other'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const previous = new AuditStreamFunctions1765000000002();
    await previous.down(runner);
    await previous.up(runner);
    await runner.query(`
      UPDATE audit.entries SET kind = 'other', resource = stream
      WHERE kind IN ('external-network', 'external-gateway', 'floating-ip', 'fabric-repair')`);
  }
}
