import fc from 'fast-check';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { auditedStream } from '../model/audited-stream';
import { auditMigrations } from './audit.migrations';

/** The index classifies streams in SQL; the queries in TypeScript: they must agree, always. */
describe('audit stream functions', () => {
  let postgres: TestEventStore;
  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
  });
  afterAll(async () => {
    await postgres.close();
  });

  const part = fc.stringMatching(/^[a-z0-9-]{0,6}$/);
  const stream = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'tenant-',
          'vpc-',
          'subnet-',
          'port-',
          'operation-',
          'request-',
          'saga-',
          'audit-',
          'vni-pool-',
          'leaf-vlans-',
          'fabric-work-',
          'external-gateway-',
          'floating-ip-',
          'external-network-',
          'fabric-repair-',
          'transfer-pool',
          '',
        ),
        fc.array(part, { minLength: 1, maxLength: 5 }),
      )
      .map(([prefix, parts]) => `${prefix}${parts.join('/')}`),
    fc.string({ maxLength: 20 }).filter((text) => !text.includes('\u0000')),
  );

  it('name every stream as auditedStream does', async () => {
    const samples = fc.sample(stream, 3000);
    const { rows } = await postgres.database.pool.query<{
      stream: string;
      kind: string;
      tenant: string | null;
      resource: string;
    }>(
      `SELECT s AS stream, k AS kind, audit.stream_tenant(s, k) AS tenant,
              audit.stream_resource(s, k) AS resource
       FROM (SELECT s, audit.stream_kind(s) AS k FROM unnest($1::text[]) AS s) named`,
      [samples],
    );
    for (const row of rows) {
      const expected = auditedStream(row.stream);
      expect({ stream: row.stream, kind: row.kind, resource: row.resource }).toEqual({
        stream: row.stream,
        kind: expected.kind,
        resource: expected.resource,
      });
      expect(row.tenant ?? undefined).toBe(expected.tenant);
    }
    expect(rows.length).toBe(samples.length);
  });
});
