import { randomUUID } from 'node:crypto';
import type { EventStore } from '@loom/event-store';
import type { TestDatabase } from '../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../test/support/test-event-store';
import { createNetworkServices, type NetworkServices } from './network-services';
import type { RequestedOperation } from './operations/operation.service';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '@loom/errors';
import { overlaps, parseCidr } from './shared/ipv4';
import type { RequestContext } from '@loom/intents';
import { tenantDecider } from './tenants/tenant.decider';

const context: RequestContext = { actor: 'portal:test', correlationId: randomUUID() };
const quota = { vpcs: 100, subnets: 100, ports: 500, floatingIps: 0 };

/** The store without its multi-stream append, as on EventStoreDB: intents go stream by stream. */
function withoutMultiStreamAppend(store: EventStore): EventStore {
  return {
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    checkpoints: store.checkpoints,
    close: () => store.close(),
  };
}

const appending: [string, (store: EventStore) => EventStore][] = [
  ['intents committed atomically', (store) => store],
  ['intents appended stream by stream', withoutMultiStreamAppend],
];

/**
 * The invariants hold with several engine replicas writing at once: two sets of services (two
 * "replicas", each with its own caches and queues) race over one real PostgreSQL, with either way
 * of writing an intent's streams.
 */
describe.each(appending)('network invariants under concurrency, %s', (_, storeOf) => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: EventStore;
  let replicas: [NetworkServices, NetworkServices];
  const replica = (index: number): NetworkServices => replicas[index % 2]!;

  beforeAll(async () => {
    postgres = await openTestEventStore();
    database = postgres.database;
    store = storeOf(postgres.store);
    const settings = {
      l3VniRange: { first: 50_000, last: 50_009 },
      l2VniRange: { first: 100_000, last: 100_049 },
      asn: 65_000,
    };
    replicas = [createNetworkServices(store, settings), createNetworkServices(store, settings)];
  });
  afterAll(async () => {
    await postgres.close();
  });

  async function countEvents(type: string, streamPrefix: string): Promise<number> {
    const { rows } = await database.pool.query<{ count: string }>(
      `SELECT count(*) FROM event_store.events WHERE event_type = $1 AND stream_name LIKE $2`,
      [type, `${streamPrefix}%`],
    );
    return Number(rows[0]?.count);
  }

  function outcomes<T>(results: PromiseSettledResult<T>[]) {
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    return { fulfilled, reasons: rejected.map((result) => result.reason as unknown) };
  }

  it('gives the last free L3 VNIs to exactly as many of 50 racing VPC creates, with no VNI twice', async () => {
    await replica(0).tenants.create(
      { tenantId: 'vni-race', displayName: '', quota, requestId: undefined },
      context,
    );
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        replica(index).vpcs.create(
          {
            tenantId: 'vni-race',
            vpcId: `vpc-${index}`,
            displayName: '',
            cidrBlocks: ['10.0.0.0/16'],
            requestId: undefined,
          },
          context,
        ),
      ),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled).toHaveLength(10);
    expect(reasons).toHaveLength(40);
    for (const reason of reasons) expect(reason).toBeInstanceOf(ResourceExhaustedError);
    const { rows } = await database.pool.query<{ vni: number }>(
      `SELECT (data->'routing'->>'l3Vni')::int AS vni FROM event_store.events WHERE event_type = 'VpcCreated'`,
    );
    expect(new Set(rows.map((row) => row.vni)).size).toBe(10);
    expect(rows).toHaveLength(10);
    // The refused creates hold no quota: stream by stream they claimed it and gave it back.
    const claimed = await countEvents('TenantQuotaClaimed', 'tenant-vni-race');
    const released = await countEvents('TenantQuotaReleased', 'tenant-vni-race');
    expect(claimed - released).toBe(10);
  });

  it('lets one of 50 racing creates of the same VPC win; the others get ALREADY_EXISTS and leak nothing', async () => {
    await replica(0).tenants.create(
      { tenantId: 'same-vpc', displayName: '', quota, requestId: undefined },
      context,
    );
    // Free the VNIs of the previous test's VPCs so this race is about the name only.
    for (let index = 0; index < 50; index += 1) {
      await replica(0)
        .vpcs.delete({ name: { tenant: 'vni-race', vpc: `vpc-${index}` } }, context)
        .catch(() => undefined);
    }
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        replica(index).vpcs.create(
          {
            tenantId: 'same-vpc',
            vpcId: 'blue',
            displayName: '',
            cidrBlocks: ['10.0.0.0/16'],
            requestId: undefined,
          },
          context,
        ),
      ),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled).toHaveLength(1);
    for (const reason of reasons) expect(reason).toBeInstanceOf(AlreadyExistsError);
    expect(await countEvents('VpcCreated', 'vpc-same-vpc/')).toBe(1);
    const { state } = await replica(1).aggregates.load('tenant-same-vpc', tenantDecider);
    expect(state.status === 'Active' && state.claims.vpcs.size).toBe(1);
  });

  it('never exceeds a tenant quota with 50 racing creates', async () => {
    await replica(0).tenants.create(
      {
        tenantId: 'quota-race',
        displayName: '',
        quota: { ...quota, vpcs: 3 },
        requestId: undefined,
      },
      context,
    );
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        replica(index).vpcs.create(
          {
            tenantId: 'quota-race',
            vpcId: `v${index}`,
            displayName: '',
            cidrBlocks: ['10.0.0.0/16'],
            requestId: undefined,
          },
          context,
        ),
      ),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled).toHaveLength(3);
    for (const reason of reasons) expect(reason).toBeInstanceOf(ResourceExhaustedError);
    expect(await countEvents('VpcCreated', 'vpc-quota-race/')).toBe(3);
  });

  it('never lets two racing subnets of one VPC overlap, while other VPCs reuse the same CIDR', async () => {
    const tenantId = 'cidr-race';
    await replica(0).tenants.create(
      { tenantId, displayName: '', quota, requestId: undefined },
      context,
    );
    await replica(0).vpcs.create(
      { tenantId, vpcId: 'a', displayName: '', cidrBlocks: ['10.0.0.0/16'], requestId: undefined },
      context,
    );
    await replica(1).vpcs.create(
      { tenantId, vpcId: 'b', displayName: '', cidrBlocks: ['10.0.0.0/16'], requestId: undefined },
      context,
    );
    const cidrs = ['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.0.0/23', '10.0.0.64/26'];
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        replica(index).subnets.create(
          {
            tenantId,
            vpcId: 'a',
            subnetId: `s${index}`,
            displayName: '',
            cidr: cidrs[index % cidrs.length]!,
            gatewayIp: '',
            requestId: undefined,
          },
          context,
        ),
      ),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const reason of reasons) expect(reason).toBeInstanceOf(FailedPreconditionError);
    const { rows } = await database.pool.query<{ cidr: string }>(
      `SELECT data->>'cidr' AS cidr FROM event_store.events WHERE event_type = 'SubnetCreated' AND stream_name LIKE 'subnet-cidr-race/a/%'`,
    );
    const blocks = rows.map((row) => row.cidr);
    for (const [i, a] of blocks.entries()) {
      for (const b of blocks.slice(i + 1)) {
        expect(overlaps(parseCidr(a) as never, parseCidr(b) as never)).toBe(false);
      }
    }
    await expect(
      replica(1).subnets.create(
        {
          tenantId,
          vpcId: 'b',
          subnetId: 'same',
          displayName: '',
          cidr: blocks[0]!,
          gatewayIp: '',
          requestId: undefined,
        },
        context,
      ),
    ).resolves.toMatchObject({ name: expect.stringMatching(/operations/) as unknown });
  });

  it('gives each of 50 racing ports its own IP and runs out cleanly at the last free one', async () => {
    const tenantId = 'ip-race';
    await replica(0).tenants.create(
      { tenantId, displayName: '', quota, requestId: undefined },
      context,
    );
    await replica(0).vpcs.create(
      { tenantId, vpcId: 'v', displayName: '', cidrBlocks: ['10.0.0.0/16'], requestId: undefined },
      context,
    );
    // A /27 has 30 host addresses; one is the gateway: 29 ports fit.
    await replica(0).subnets.create(
      {
        tenantId,
        vpcId: 'v',
        subnetId: 's',
        displayName: '',
        cidr: '10.0.1.0/27',
        gatewayIp: '',
        requestId: undefined,
      },
      context,
    );
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        replica(index).ports.create(
          {
            tenantId,
            vpcId: 'v',
            subnetId: 's',
            portId: `p${index}`,
            displayName: '',
            kind: '',
            fixedIp: '',
            macAddress: '',
            binding: {
              host: `host${index % 3}`,
              leafSwitch: `leaf${index % 2}`,
              interface: 'swp1',
              vlan: 0,
            },
            requestId: undefined,
          },
          context,
        ),
      ),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled).toHaveLength(29);
    for (const reason of reasons) expect(reason).toBeInstanceOf(ResourceExhaustedError);
    const { rows } = await database.pool.query<{ ip: string; vlan: number; leaf: string }>(
      `SELECT data->>'fixedIp' AS ip, (data->'binding'->>'vlan')::int AS vlan, data->'binding'->>'leafSwitch' AS leaf
       FROM event_store.events WHERE event_type = 'PortCreated' AND stream_name LIKE 'port-ip-race/%'`,
    );
    expect(new Set(rows.map((row) => row.ip)).size).toBe(29);
    expect(rows.map((row) => row.ip)).not.toContain('10.0.1.1');
    // All ports of one subnet share one VLAN per leaf.
    expect(new Set(rows.filter((row) => row.leaf === 'leaf0').map((row) => row.vlan)).size).toBe(1);
    await expect(
      replica(0).subnets.delete({ name: { tenant: tenantId, vpc: 'v', subnet: 's' } }, context),
    ).rejects.toBeInstanceOf(FailedPreconditionError);
  });

  it('returns the first result for a retried request_id and writes no second resource', async () => {
    const tenantId = 'retry';
    const requestId = randomUUID();
    const create = () =>
      replica(0).tenants.create({ tenantId, displayName: 'R', quota, requestId }, context);
    const [first, second] = await Promise.all([create(), create()]);
    // The same answer: its name, and the tenant as the one create made it.
    expect(second.name).toBe(first.name);
    expect(second.asCreated).toEqual(first.asCreated);
    const vpcRequest = randomUUID();
    const createVpc = (index: number) =>
      replica(index).vpcs.create(
        {
          tenantId,
          vpcId: 'once',
          displayName: '',
          cidrBlocks: ['10.0.0.0/16'],
          requestId: vpcRequest,
        },
        context,
      );
    const operations = await Promise.all(
      Array.from({ length: 10 }, (_, index) => createVpc(index)),
    );
    expect(new Set(operations.map((operation) => operation.name)).size).toBe(1);
    expect(await countEvents('VpcCreated', 'vpc-retry/')).toBe(1);
    expect(await countEvents('OperationStarted', 'operation-retry/')).toBe(1);
  });

  it('never leaves a deleted VPC with subnets when its delete races 20 subnet creates', async () => {
    const tenantId = 'delete-race';
    // Roomier pools than the other tests', so that only the race decides the outcome.
    const roomy = {
      l3VniRange: { first: 60_000, last: 60_099 },
      l2VniRange: { first: 200_000, last: 200_999 },
      asn: 65_000,
    };
    const racers = [createNetworkServices(store, roomy), createNetworkServices(store, roomy)];
    const replica = (index: number): NetworkServices => racers[index % 2]!;
    await replica(0).tenants.create(
      { tenantId, displayName: '', quota, requestId: undefined },
      context,
    );
    for (let round = 0; round < 5; round += 1) {
      const vpcId = `v${round}`;
      await replica(0).vpcs.create(
        { tenantId, vpcId, displayName: '', cidrBlocks: ['10.0.0.0/16'], requestId: undefined },
        context,
      );
      const creates = Array.from({ length: 20 }, (_, index) =>
        replica(index).subnets.create(
          {
            tenantId,
            vpcId,
            subnetId: `s${index}`,
            displayName: '',
            cidr: `10.0.${index}.0/24`,
            gatewayIp: '',
            requestId: undefined,
          },
          context,
        ),
      );
      const deletion = replica(round).vpcs.delete(
        { name: { tenant: tenantId, vpc: vpcId } },
        context,
      );
      const [deleted, ...created] = await Promise.allSettled<Promise<RequestedOperation>[]>([
        deletion,
        ...creates,
      ]);
      if (deleted === undefined) throw new Error('no outcome for the delete');
      const { fulfilled, reasons } = outcomes(created);
      if (deleted.status === 'fulfilled') expect(fulfilled).toHaveLength(0);
      else expect(deleted.reason).toBeInstanceOf(FailedPreconditionError);
      // Creates that lost to the delete find the VPC gone.
      for (const reason of reasons) expect(reason).toBeInstanceOf(NotFoundError);
    }
    const { rows } = await database.pool.query<{ stream: string }>(
      `SELECT DISTINCT split_part(stream_name, '/', 2) AS stream FROM event_store.events
       WHERE event_type = 'SubnetCreated' AND stream_name LIKE 'subnet-delete-race/%'
       INTERSECT
       SELECT split_part(stream_name, '/', 2) FROM event_store.events
       WHERE event_type = 'VpcDeleted' AND stream_name LIKE 'vpc-delete-race/%'`,
    );
    expect(rows).toEqual([]);
  });
});
