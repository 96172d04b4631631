import { networkResourceModels } from '../network/network-models';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { AuditIndex } from './audit-index';
import { AuditQueries } from './audit-queries';
import { auditMigrations } from './audit.migrations';
import { CheckpointRepository } from './checkpoint-repository';

/**
 * Positions come back as text (exact in JavaScript) and gain a digit as the server ages: every
 * ORDER BY must sort the bigint column, never the text beside it ('9' > '10').
 */
describe('audit positions across a change in their number of digits', () => {
  let postgres: TestEventStore;
  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
  });
  afterAll(async () => {
    await postgres.close();
  });

  it('orders changes and checkpoints by number', async () => {
    const { pool } = postgres.database;
    for (const position of [9, 10, 100]) {
      await pool.query(
        `INSERT INTO audit.entries (position, stream, revision, kind, tenant, resource, actor,
           event_type, recorded_at)
         VALUES ($1, 'vpc-acme/blue', 0, 'vpc', 'acme', 'tenants/acme/vpcs/blue', 'portal:a',
           'VpcUpdated', now())`,
        [position],
      );
      await pool.query(
        `INSERT INTO audit.checkpoints (position, previous_position, event_count, head, sealed_at,
           key_id, jws)
         VALUES ($1::bigint, $1::bigint - 1, $1::bigint, 'h', now(), 'k', 'jws')`,
        [position],
      );
    }
    const queries = new AuditQueries(
      pool,
      postgres.store,
      new AuditIndex(pool),
      networkResourceModels,
    );
    for (const filter of [{}, { actor: 'portal:a' }, { tenant: 'acme' }]) {
      const newest = await queries.changes(filter, { size: 2, order: 'newest' });
      expect(newest.entries.map((entry) => entry.position)).toEqual([100n, 10n]);
      const oldest = await queries.changes(filter, { size: 3, order: 'oldest' });
      expect(oldest.entries.map((entry) => entry.position)).toEqual([9n, 10n, 100n]);
    }
    const checkpoints = new CheckpointRepository(pool);
    expect((await checkpoints.latest())?.position).toBe('100');
    expect((await checkpoints.all()).map((checkpoint) => checkpoint.position)).toEqual([
      '9',
      '10',
      '100',
    ]);
  });
});
