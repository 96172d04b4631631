import type { EventStore, PostgresEventStore, StreamAppend } from '@loom/event-store';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { networkEventCatalog } from '../network-event-catalog';
import { vniOf, vniPoolDecider } from '../pools/vni-pool.decider';
import { tenantDecider } from '../tenants/tenant.decider';
import { AggregateStore } from '@loom/intents';
import { AlreadyExistsError, ResourceExhaustedError } from '@loom/errors';

const metadata = { actor: 'test' };
const range = { first: 1, last: 1_000 };
const quota = { vpcs: 3, subnets: 0, ports: 0, floatingIps: 0 };

/** A tenant's quota claim and a VNI, as a VPC create makes them, in one transaction. */
function claimBoth(aggregates: AggregateStore, tenantId: string, owner: string) {
  return aggregates.transact(async (transaction) => {
    await transaction.execute(
      `tenant-${tenantId}`,
      tenantDecider,
      { type: 'ClaimQuota', tenantId, resource: 'vpcs', owner },
      metadata,
    );
    const pool = await transaction.execute(
      `vni-pool-${tenantId}`,
      vniPoolDecider,
      { type: 'AllocateVni', pool: 'test', range, owner },
      metadata,
    );
    return vniOf(pool.state, owner);
  });
}

describe('intents committed together (GroupCommit)', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let appendsCalled = 0;
  /** The store, counting its multi-stream appends. */
  let counted: EventStore;

  beforeAll(async () => {
    postgres = await openTestEventStore();
    ({ database, store } = postgres);
    counted = {
      append: (stream, events, expected) => store.append(stream, events, expected),
      appendToStreams: (appends: readonly StreamAppend[]) => {
        appendsCalled += 1;
        return store.appendToStreams(appends);
      },
      readStream: (stream, options) => store.readStream(stream, options),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
      checkpoints: store.checkpoints,
      close: () => store.close(),
    };
  });
  afterAll(async () => {
    await postgres.close();
  });

  async function createTenant(aggregates: AggregateStore, tenantId: string): Promise<void> {
    await aggregates.transact((transaction) =>
      transaction.execute(
        `tenant-${tenantId}`,
        tenantDecider,
        { type: 'CreateTenant', tenantId, displayName: '', quota },
        metadata,
      ),
    );
  }

  async function eventTypes(prefix: string): Promise<string[]> {
    const { rows } = await database.pool.query<{ event_type: string }>(
      `SELECT event_type FROM event_store.events WHERE stream_name LIKE $1 ORDER BY global_position`,
      [`${prefix}%`],
    );
    return rows.map((row) => row.event_type);
  }

  it('commits intents that arrive together in one append, and nothing of those refused', async () => {
    const aggregates = new AggregateStore(counted, networkEventCatalog);
    await createTenant(aggregates, 'together');
    appendsCalled = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => claimBoth(aggregates, 'together', `op-${index}`)),
    );

    // One append for all, or the first alone if it found the committer idle and the nine that
    // queued meanwhile in one more; one append each without group commit.
    expect(appendsCalled).toBeLessThanOrEqual(2);
    const vnis = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? [outcome.value] : [],
    );
    expect(vnis).toEqual([1, 2, 3]);
    for (const outcome of outcomes.slice(3)) {
      expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(
        ResourceExhaustedError,
      );
    }
    expect(await eventTypes('tenant-together')).toEqual([
      'TenantCreated',
      ...Array<string>(3).fill('TenantQuotaClaimed'),
    ]);
    expect(await eventTypes('vni-pool-together')).toEqual(Array<string>(3).fill('VniAllocated'));
  });

  it('decides again when another writer moved a stream, and when a cached state was stale', async () => {
    const first = new AggregateStore(counted, networkEventCatalog);
    const second = new AggregateStore(counted, networkEventCatalog);
    await createTenant(first, 'moved');
    await claimBoth(first, 'moved', 'op-a');
    // The second replica takes VNI 2 and the last but one unit of quota behind the first's back.
    await claimBoth(second, 'moved', 'op-b');
    expect(await claimBoth(first, 'moved', 'op-c')).toBe(3);
    // The first's cache says the quota is used up; the second gives a unit back.
    await second.transact((transaction) =>
      transaction.execute(
        'tenant-moved',
        tenantDecider,
        { type: 'ReleaseQuota', tenantId: 'moved', resource: 'vpcs', owner: 'op-b' },
        metadata,
      ),
    );
    await expect(claimBoth(first, 'moved', 'op-d')).resolves.toBe(4);
  });

  it('finds a stream it never read: a create of an existing name is refused, not written', async () => {
    const first = new AggregateStore(counted, networkEventCatalog);
    const second = new AggregateStore(counted, networkEventCatalog);
    await createTenant(first, 'named');
    // The second replica has never read the tenant's stream: it presumes it empty at first.
    await expect(createTenant(second, 'named')).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await eventTypes('tenant-named')).toEqual(['TenantCreated']);
  });
});
