import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '@loom/event-store';
import {
  createReadModelDataSource,
  PostgresEventLogProbe,
  ProjectionRunner,
  projectionEntities,
  projectionMigrations,
} from '@loom/projections';
import { RecordingLogger } from '@loom/projections/testing';
import type { DataSource } from 'typeorm';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { createNetworkServices, type NetworkServices } from '../network-services';
import type { PortCreated } from '../ports/port.events';
import type { RequestContext } from '@loom/intents';
import { networkReadModelMigrations } from './migrations';
import { networkProjections } from './network-projections';

const context: RequestContext = { actor: 'portal:test', correlationId: randomUUID() };
const tables = ['tenants', 'vpcs', 'subnets', 'ports', 'operations'] as const;
type Rows = Record<(typeof tables)[number], Record<string, unknown>[]>;

/**
 * The network projections over a log the real services wrote (creates, updates, deletes, claims
 * and releases, a port and an operation that failed): followed live as it is written, and rebuilt
 * from scratch with batches of every size from one event (every change crosses a batch) to 500
 * (most of a resource's life in one batch), they must all leave the same rows.
 */
describe('network projections', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let services: NetworkServices;
  let dataSource: DataSource;
  let live: Rows;
  const logger = new RecordingLogger();

  const runner = (batchSize: number): ProjectionRunner =>
    new ProjectionRunner({
      dataSource,
      store,
      eventLog: new PostgresEventLogProbe(database.pool),
      projections: networkProjections,
      batchSize,
      logger,
      retry: { initialMs: 10, maxMs: 100 },
    });
  const waitForAll = async (projections: ProjectionRunner): Promise<void> => {
    await Promise.all(networkProjections.map(({ name }) => projections.waitForHead(name, 30_000)));
  };

  async function readRows(): Promise<Rows> {
    const entries = await Promise.all(
      tables.map(async (table) => {
        const { rows } = await database.pool.query<Record<string, unknown>>(
          `SELECT * FROM read_model.${table} ORDER BY name`,
        );
        return [table, rows] as const;
      }),
    );
    return Object.fromEntries(entries) as Rows;
  }

  beforeAll(async () => {
    postgres = await openTestEventStore({
      migrations: [...projectionMigrations, ...networkReadModelMigrations],
      pollIntervalMs: 20,
    });
    ({ database, store } = postgres);
    services = createNetworkServices(store, {
      l3VniRange: { first: 50_000, last: 50_099 },
      l2VniRange: { first: 100_000, last: 100_999 },
      asn: 65_000,
    });
    dataSource = createReadModelDataSource(
      database.url,
      projectionEntities(networkProjections),
      [],
      { poolSize: 5 },
    );
    await dataSource.initialize();

    const following = runner(500);
    following.start();
    await writeNetworkLog(services, store);
    await waitForAll(following);
    await following.stop();
    live = await readRows();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await postgres.close();
  });

  it('leave each resource as the services left it', () => {
    const byName = (table: keyof Rows, name: string) =>
      live[table].find((row) => row['name'] === name);
    expect(live.tenants.map((row) => row['name'])).toEqual(['tenants/acme']);
    expect(byName('tenants', 'tenants/acme')).toMatchObject({
      display_name: 'Acme Corp',
      // Created and renamed, 11 quota claims and 3 releases: every change of what Get shows.
      version: 16,
      // 3 VPCs, 3 subnets and 5 ports created; a VPC, a subnet and a port deleted.
      usage: { vpcs: 2, subnets: 2, ports: 4, floatingIps: 0 },
    });
    expect(live.vpcs.map((row) => row['name'])).toEqual([
      'tenants/acme/vpcs/dev',
      'tenants/acme/vpcs/prod',
    ]);
    expect(byName('vpcs', 'tenants/acme/vpcs/prod')).toMatchObject({
      display_name: 'Production',
      version: 2,
    });
    expect(byName('subnets', 'tenants/acme/vpcs/prod/subnets/web')).toMatchObject({
      display_name: 'Web tier',
      version: 2,
    });
    // Without a fabric a bound port is active at once: created and activated, two versions; p0
    // renamed, a third; p2 failed afterwards, a third.
    expect(live.ports.map((row) => [row['name'], row['status'], row['version']])).toEqual([
      ['tenants/acme/vpcs/prod/subnets/web/ports/p0', 'ACTIVE', 3],
      ['tenants/acme/vpcs/prod/subnets/web/ports/p2', 'ERROR', 3],
      ['tenants/acme/vpcs/prod/subnets/web/ports/p3', 'ACTIVE', 2],
      ['tenants/acme/vpcs/prod/subnets/web/ports/p4', 'ACTIVE', 2],
    ]);
    expect(byName('ports', 'tenants/acme/vpcs/prod/subnets/web/ports/p2')).toMatchObject({
      status_reason: 'leaf1 is full',
    });
    const failed = live.operations.filter((row) => row['error_code'] !== null);
    expect(failed).toEqual([
      expect.objectContaining({ done: true, error_code: 'unavailable', error_message: 'no reply' }),
    ]);
    expect(live.operations.every((row) => row['done'] === true)).toBe(true);
    expect(logger.errors()).toEqual([]);
  });

  it.each([1, 3, 500])('rebuild the same rows in batches of %i events', async (batchSize) => {
    await database.pool.query(
      `TRUNCATE ${tables.map((table) => `read_model.${table}`).join(', ')};
       DELETE FROM read_model.projection_checkpoints`,
    );
    const rebuild = runner(batchSize);
    rebuild.start();
    await waitForAll(rebuild);
    await rebuild.stop();
    expect(await readRows()).toEqual(live);
    expect(logger.errors()).toEqual([]);
  });
});

/** A tenant's life through the real services, with the fabric's verdicts appended as it writes them. */
async function writeNetworkLog(
  services: NetworkServices,
  store: PostgresEventStore,
): Promise<void> {
  const tenantId = 'acme';
  const quota = { vpcs: 10, subnets: 10, ports: 20, floatingIps: 0 };
  await services.tenants.create(
    { tenantId, displayName: 'Acme', quota, requestId: undefined },
    context,
  );
  await services.tenants.create(
    { tenantId: 'brief', displayName: 'Gone soon', quota, requestId: undefined },
    context,
  );
  await services.tenants.delete({ name: { tenant: 'brief' } }, context);
  for (const [index, vpcId] of ['prod', 'dev', 'old'].entries()) {
    await services.vpcs.create(
      {
        tenantId,
        vpcId,
        displayName: vpcId,
        cidrBlocks: [`10.${index}.0.0/16`],
        requestId: undefined,
      },
      context,
    );
  }
  for (const [vpcId, subnetId, cidr] of [
    ['prod', 'web', '10.0.1.0/24'],
    ['prod', 'db', '10.0.2.0/24'],
    ['dev', 'tmp', '10.1.1.0/24'],
  ] as const) {
    await services.subnets.create(
      {
        tenantId,
        vpcId,
        subnetId,
        displayName: subnetId,
        cidr,
        gatewayIp: '',
        requestId: undefined,
      },
      context,
    );
  }
  for (let index = 0; index < 5; index += 1) {
    await services.ports.create(
      {
        tenantId,
        vpcId: 'prod',
        subnetId: 'web',
        portId: `p${index}`,
        displayName: `port ${index}`,
        kind: 'VIRTUAL_MACHINE',
        fixedIp: '',
        macAddress: '',
        binding: {
          host: `host-${index}`,
          leafSwitch: 'leaf1',
          interface: `swp${index + 1}`,
          vlan: 0,
        },
        requestId: undefined,
      },
      context,
    );
  }
  const tenant = tenantId;
  await services.tenants.update({ name: { tenant }, displayName: 'Acme Corp' }, context);
  await services.vpcs.update({ name: { tenant, vpc: 'prod' }, displayName: 'Production' }, context);
  const web = { tenant, vpc: 'prod', subnet: 'web' };
  await services.subnets.update({ name: web, displayName: 'Web tier' }, context);
  await services.ports.update({ name: { ...web, port: 'p0' }, displayName: 'web 0' }, context);
  await services.ports.delete({ name: { ...web, port: 'p1' } }, context);
  await services.subnets.delete({ name: { tenant, vpc: 'dev', subnet: 'tmp' } }, context);
  await services.vpcs.delete({ name: { tenant, vpc: 'old' } }, context);
  // What port-fabric-outcomes writes when a port's saga fails.
  await store.append(
    'port-acme/prod/web/p2',
    [{ type: 'PortFailed', data: { reason: 'leaf1 is full' } }],
    'any',
  );
  const [created] = await store.readStream('port-acme/prod/web/p2', { maxCount: 1 });
  const operation =
    created?.type === 'PortCreated' ? (created.data as PortCreated['data']).createdBy : '';
  await store.append(
    `operation-acme/${operation.split('/').at(-1) ?? ''}`,
    [
      {
        // As stored before failure events carried a typed kind: schema version 1, a `code`.
        type: 'OperationFailed',
        schemaVersion: 1,
        data: {
          target: 'tenants/acme/vpcs/prod/subnets/web/ports/p2',
          code: 'unavailable',
          message: 'no reply',
        },
      },
    ],
    'any',
  );
}
