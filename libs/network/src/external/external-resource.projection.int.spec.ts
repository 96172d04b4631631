import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '@loom/event-store';
import { defaultTopology } from '@loom/fabric';
import {
  createReadModelDataSource,
  PostgresEventLogProbe,
  ProjectionRunner,
  projectionEntities,
  projectionMigrations,
  type Projection,
} from '@loom/projections';
import { RecordingLogger } from '@loom/projections/testing';
import type { RequestContext } from '@loom/intents';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { createNetworkServices, type NetworkServices } from '../network-services';
import { networkReadModelMigrations } from '../read-models/migrations';
import { NetworkQueries } from '../read-models/network-queries';
import { networkProjections } from '../read-models/network-projections';
import { externalResourceProjection } from './external-resource.projection';

const context: RequestContext = { actor: 'portal:test', correlationId: randomUUID() };

/**
 * The external_resources read model over a log the real services wrote (an external network, two
 * gateways, floating IPs created and deleted, a refused create), followed live and rebuilt with
 * batches of one event and of 500: the same rows, and the Lists page through them by kind.
 */
describe('external resources projection', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let services: NetworkServices;
  let dataSource: DataSource;
  const logger = new RecordingLogger();

  const runner = (
    batchSize: number,
    projections: readonly Projection[] = [externalResourceProjection],
  ): ProjectionRunner =>
    new ProjectionRunner({
      dataSource,
      store,
      eventLog: new PostgresEventLogProbe(database.pool),
      projections,
      batchSize,
      logger,
      retry: { initialMs: 10, maxMs: 100 },
    });
  const rows = async () =>
    (
      await database.pool.query<Record<string, unknown>>(
        'SELECT name, kind, parent FROM read_model.external_resources ORDER BY name',
      )
    ).rows;

  beforeAll(async () => {
    postgres = await openTestEventStore({
      migrations: [...projectionMigrations, ...networkReadModelMigrations],
      pollIntervalMs: 20,
    });
    ({ database, store } = postgres);
    // Without a fabric: gateways and floating IPs record their intent and fabric work only.
    services = createNetworkServices(
      store,
      {
        l3VniRange: { first: 50_000, last: 50_099 },
        l2VniRange: { first: 100_000, last: 100_999 },
        asn: 65_000,
      },
      { topology: defaultTopology },
    );
    dataSource = createReadModelDataSource(
      database.url,
      projectionEntities(networkProjections),
      [],
      { poolSize: 3 },
    );
    await dataSource.initialize();
    // Every network projection: the Lists check that the tenant exists in its read model.
    const following = runner(500, networkProjections);
    following.start();
    await services.externalNetworks.create(
      {
        externalNetworkId: 'internet',
        displayName: '',
        pools: ['203.0.113.0/29'],
        gatewayNodes: ['gw1', 'gw2'],
        upstreamPeers: [],
        requestId: undefined,
      },
      context,
    );
    for (const tenantId of ['acme', 'globex']) {
      await services.tenants.create(
        {
          tenantId,
          displayName: '',
          quota: { vpcs: 2, subnets: 2, ports: 2, floatingIps: 3 },
          requestId: undefined,
        },
        context,
      );
      await services.vpcs.create(
        {
          tenantId,
          vpcId: 'blue',
          displayName: '',
          cidrBlocks: ['10.0.0.0/16'],
          requestId: undefined,
        },
        context,
      );
      await services.externalGateways.create(
        { tenantId, vpcId: 'blue', externalNetworkId: 'internet', requestId: undefined },
        context,
      );
    }
    for (const floatingIpId of ['a', 'b', 'c']) {
      await services.floatingIps.create(
        {
          tenantId: 'acme',
          floatingIpId,
          displayName: '',
          externalNetworkId: 'internet',
          address: '',
          requestId: undefined,
        },
        context,
      );
    }
    await services.floatingIps.delete({ tenantId: 'acme', floatingIpId: 'b' }, context);
    await services.externalGateways.delete({ name: { tenant: 'globex', vpc: 'blue' } }, context);
    // Refused (outside the pool): writes nothing, so no row.
    await expect(
      services.floatingIps.create(
        {
          tenantId: 'acme',
          floatingIpId: 'd',
          displayName: '',
          externalNetworkId: 'internet',
          address: '198.51.100.9',
          requestId: undefined,
        },
        context,
      ),
    ).rejects.toThrow(/floating_ip.address/);
    await Promise.all(networkProjections.map(({ name }) => following.waitForHead(name, 30_000)));
    await following.stop();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await postgres.close();
  });

  const expected = [
    { name: 'externalNetworks/internet', kind: 'external-network', parent: '' },
    { name: 'tenants/acme/floatingIps/a', kind: 'floating-ip', parent: 'tenants/acme' },
    { name: 'tenants/acme/floatingIps/c', kind: 'floating-ip', parent: 'tenants/acme' },
    {
      name: 'tenants/acme/vpcs/blue/externalGateway',
      kind: 'external-gateway',
      parent: 'tenants/acme',
    },
  ];

  it('holds what exists, by name, kind and tenant', async () => {
    expect(await rows()).toEqual(expected);
  });

  it.each([1, 500])('leaves the same rows when rebuilt with batches of %i', async (batchSize) => {
    await database.pool.query(
      `TRUNCATE read_model.external_resources;
       DELETE FROM read_model.projection_checkpoints WHERE projection_name = 'external_resources'`,
    );
    const rebuild = runner(batchSize);
    rebuild.start();
    await rebuild.waitForHead(externalResourceProjection.name, 30_000);
    await rebuild.stop();
    expect(await rows()).toEqual(expected);
    expect(logger.errors()).toEqual([]);
  });

  it('pages a kind under its parent; a tenant that does not exist is NOT_FOUND', async () => {
    const queries = new NetworkQueries(dataSource, () => Promise.resolve());
    const first = await queries.externalResources('floating-ip', 'tenants/acme', 1, undefined);
    expect(first.rows.map((row) => row.name)).toEqual(['tenants/acme/floatingIps/a']);
    const second = await queries.externalResources(
      'floating-ip',
      'tenants/acme',
      1,
      first.nextAfter,
    );
    expect(second).toMatchObject({
      rows: [{ name: 'tenants/acme/floatingIps/c' }],
      nextAfter: undefined,
    });
    expect(
      (await queries.externalResources('external-network', '', 10, undefined)).rows.map(
        (row) => row.name,
      ),
    ).toEqual(['externalNetworks/internet']);
    await expect(
      queries.externalResources('floating-ip', 'tenants/nobody', 10, undefined),
    ).rejects.toThrow(/tenants\/nobody not found/);
  });
});
