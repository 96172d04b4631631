import { randomUUID } from 'node:crypto';
import { defaultTopology } from '@loom/fabric';
import type { RequestContext } from '@loom/intents';
import { createNetworkServices, type NetworkServices } from '@loom/network';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { networkResourceModels } from '../network/network-models';
import { AuditIndex } from './audit-index';
import { AuditQueries } from './audit-queries';
import { auditMigrations } from './audit.migrations';

const pause = () => new Promise((resolve) => setTimeout(resolve, 30));
const call = (actor: string, method: string): RequestContext => ({
  actor,
  correlationId: randomUUID(),
  method: `/loom.v1.${method}`,
});

const GATEWAY = 'tenants/acme/vpcs/blue/externalGateway';
const FLOATING_IP = 'tenants/acme/floatingIps/web';
const INTERNET = 'externalNetworks/internet';

/**
 * The external network's resources in the auditor's answers, rebuilt from their events: a VPC's
 * external gateway and a floating IP in the tenant's state at each instant and in the diffs, the
 * external network as the tenant sees it (name and pools), and their changes listed by kind.
 */
describe('audit of external resources', () => {
  let postgres: TestEventStore;
  let services: NetworkServices;
  let queries: AuditQueries;
  const instants: Record<string, Date> = {};
  const mark = async (name: string) => {
    await pause();
    instants[name] = new Date();
    await pause();
  };

  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: auditMigrations });
    const { store, database } = postgres;
    // Without saga workers: gateways and floating IPs record their intent and fabric work only.
    services = createNetworkServices(
      store,
      {
        l3VniRange: { first: 50_000, last: 50_099 },
        l2VniRange: { first: 100_000, last: 100_999 },
        asn: 65_000,
      },
      { topology: defaultTopology },
    );
    queries = new AuditQueries(
      database.pool,
      store,
      new AuditIndex(database.pool),
      networkResourceModels,
    );
    await services.externalNetworks.create(
      {
        externalNetworkId: 'internet',
        displayName: 'Internet',
        pools: ['203.0.113.0/29'],
        gatewayNodes: ['gw1', 'gw2'],
        upstreamPeers: [],
        requestId: undefined,
      },
      call('portal:console', 'ExternalNetworkService/CreateExternalNetwork'),
    );
    await services.tenants.create(
      {
        tenantId: 'acme',
        displayName: '',
        quota: { vpcs: 2, subnets: 2, ports: 2, floatingIps: 3 },
        requestId: undefined,
      },
      call('portal:console', 'TenantService/CreateTenant'),
    );
    await services.vpcs.create(
      {
        tenantId: 'acme',
        vpcId: 'blue',
        displayName: '',
        cidrBlocks: ['10.0.0.0/16'],
        requestId: undefined,
      },
      call('portal:console', 'VpcService/CreateVpc'),
    );
    await mark('before');
    await services.externalGateways.create(
      { tenantId: 'acme', vpcId: 'blue', externalNetworkId: 'internet', requestId: undefined },
      call('tenant:bob', 'ExternalGatewayService/CreateExternalGateway'),
    );
    await mark('gateway');
    await services.floatingIps.create(
      {
        tenantId: 'acme',
        floatingIpId: 'web',
        displayName: 'web',
        externalNetworkId: 'internet',
        address: '',
        requestId: undefined,
      },
      call('tenant:bob', 'FloatingIpService/CreateFloatingIp'),
    );
    await mark('floatingIp');
    await services.floatingIps.delete(
      { tenantId: 'acme', floatingIpId: 'web' },
      call('tenant:bob', 'FloatingIpService/DeleteFloatingIp'),
    );
    await mark('released');
  });
  afterAll(async () => {
    await postgres.close();
  });

  const at = (name: string) => ({ time: instants[name] ?? new Date(0) });
  const namesAt = async (name: string) => [
    ...(await queries.stateAt('tenants/acme', at(name))).resources.keys(),
  ];

  it('has the gateway, then the floating IP, at the instants they existed, and not before', async () => {
    expect(await namesAt('before')).toEqual(['tenants/acme', 'tenants/acme/vpcs/blue']);
    expect(await namesAt('gateway')).toEqual([
      INTERNET,
      'tenants/acme',
      'tenants/acme/vpcs/blue',
      GATEWAY,
    ]);
    expect(await namesAt('floatingIp')).toEqual([
      INTERNET,
      'tenants/acme',
      FLOATING_IP,
      'tenants/acme/vpcs/blue',
      GATEWAY,
    ]);
    expect(await namesAt('released')).toEqual(await namesAt('gateway'));
  });

  it('rebuilds their fields as the API names them; the external network as a tenant sees it', async () => {
    const state = (await queries.stateAt('tenants/acme', at('floatingIp'))).resources;
    expect(state.get(GATEWAY)).toEqual({
      kind: 'external-gateway',
      name: GATEWAY,
      fields: {
        externalNetwork: INTERNET,
        transferBlock: expect.stringMatching(/^172\.16\./) as string,
        vrfAddress: expect.any(String) as string,
        gatewayAddress: expect.any(String) as string,
        snatAddress: expect.stringMatching(/^203\.0\.113\./) as string,
        status: 'PENDING',
        statusReason: '',
        floatingIps: [],
      },
    });
    expect(state.get(FLOATING_IP)).toMatchObject({
      kind: 'floating-ip',
      fields: {
        displayName: 'web',
        externalNetwork: INTERNET,
        address: expect.stringMatching(/^203\.0\.113\./) as string,
        port: '',
        fixedIp: '',
        status: 'ACTIVE',
      },
    });
    // Its name and pools only: no gateway nodes, peers or address usage.
    expect(state.get(INTERNET)).toEqual({
      kind: 'external-network',
      name: INTERNET,
      fields: { displayName: 'Internet', pools: ['203.0.113.0/29'] },
    });
    // A VPC's scope holds its gateway (and the network it is on), not the tenant's floating IPs.
    expect([
      ...(await queries.stateAt('tenants/acme/vpcs/blue', at('floatingIp'))).resources.keys(),
    ]).toEqual([INTERNET, 'tenants/acme/vpcs/blue', GATEWAY]);
  });

  it('diffs them: the gateway and its network added, then the floating IP added and removed', async () => {
    const names = (views: readonly { name: string }[]) => views.map((view) => view.name);
    const gateway = (await queries.diff('tenants/acme', at('before'), at('gateway'))).diff;
    expect(names(gateway.added)).toEqual([INTERNET, GATEWAY]);
    expect(gateway.removed).toEqual([]);
    const created = (await queries.diff('tenants/acme', at('gateway'), at('floatingIp'))).diff;
    expect(names(created.added)).toEqual([FLOATING_IP]);
    expect(created.removed).toEqual([]);
    // The floating IP's quota unit shows on the tenant's usage.
    expect(created.changed.map((change) => change.name)).toEqual(['tenants/acme']);
    const released = (await queries.diff('tenants/acme', at('floatingIp'), at('released'))).diff;
    expect(released.added).toEqual([]);
    expect(names(released.removed)).toEqual([FLOATING_IP]);
  });

  it('lists their changes by kind, with the caller and the fields before and after', async () => {
    const page = await queries.changes({ resource: FLOATING_IP }, { size: 20, order: 'oldest' });
    expect(page.entries.map((entry) => [entry.kind, entry.eventType, entry.actor])).toEqual([
      ['floating-ip', 'FloatingIpCreated', 'tenant:bob'],
      ['floating-ip', 'FloatingIpDeleted', 'tenant:bob'],
    ]);
    expect(page.entries[0]?.action).toBe('FloatingIpService/CreateFloatingIp');
    expect(page.entries[1]?.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'displayName', before: 'web' })]),
    );
    const network = await queries.changes({ resource: INTERNET }, { size: 20, order: 'oldest' });
    expect(network.entries[0]).toMatchObject({
      kind: 'external-network',
      eventType: 'ExternalNetworkCreated',
      actor: 'portal:console',
    });
  });
});
