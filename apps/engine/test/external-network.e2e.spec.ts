import { join } from 'node:path';
import { Client } from 'pg';
import {
  ChangeType,
  FloatingIpStatus,
  type Operation,
  type ResourceChange,
} from '@loom/api-contract';
import { openFileBackedFabric, type SimulatedFabric } from '@loom/fabric';
import { loadOrCreateSigningKey, mintToken } from '@loom/access';
import { ensureLoomctlBuilt, runLoomctl } from '../../loomctl/test/loomctl-process';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import { externalClientsAs, type ExternalClients } from '../../../test/support/external-clients';
import type { LoomClients } from '../../../test/support/grpc-client';
import { grpcErrorOf } from '../../../test/support/grpc-errors';
import {
  boundPortBody,
  createVpcSubnet,
  finished,
  tenantBody,
  vpcBody,
} from '../../../test/support/network-fixtures';

const NETWORK = 'externalNetworks/internet';
const nodes = ['gw1', 'gw2'];

const externalNetworkBody = (pools: string[]) => ({
  name: '',
  displayName: 'The Internet',
  pools,
  gatewayNodes: nodes,
  upstreamPeers: [{ address: '198.51.100.1', asn: 64500 }],
  addressesInUse: 0,
  etag: '',
  createTime: null,
  updateTime: null,
});
const gatewayBody = (externalNetwork = NETWORK) => ({
  name: '',
  externalNetwork,
  transferBlock: '',
  vrfAddress: '',
  gatewayAddress: '',
  snatAddress: '',
  status: 'EXTERNAL_GATEWAY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  floatingIps: [],
  etag: '',
});
const floatingIpBody = (address = '', externalNetwork = NETWORK) => ({
  name: '',
  displayName: '',
  externalNetwork,
  address,
  port: '',
  fixedIp: '',
  status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
});

/**
 * The external network API on the simulated fabric, through gRPC: gateways and floating IPs as
 * the gateway nodes hold them, and every refusal with its code, the field or resource named, and
 * nothing written.
 */
describe('external networks, gateways and floating IPs', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let external: ExternalClients;
  let acme: ExternalClients;
  let fabric: SimulatedFabric;
  const fixedIps = new Map<string, string>();

  const countEvents = async (): Promise<number> => {
    const client = new Client({ connectionString: await engine.databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        'SELECT count(*) FROM event_store.events',
      );
      return Number(rows[0]?.count);
    } finally {
      await client.end();
    }
  };
  const done = async (operation: Promise<Operation>): Promise<Operation> => {
    const result = await finished(portal, await operation);
    expect({ target: result.target, done: result.done, error: result.error }).toEqual({
      target: result.target,
      done: true,
      error: null,
    });
    return result;
  };
  const createPort = async (vpc: string, portId: string, leaf: string, iface: string) => {
    const parent = `${vpc}/subnets/web`;
    await done(
      portal.ports.createPort({ parent, portId, port: boundPortBody(leaf, iface), requestId: '' }),
    );
    const port = await portal.ports.getPort({ name: `${parent}/ports/${portId}` });
    fixedIps.set(port.name, port.fixedIp);
    return port.name;
  };
  const associate = (clients: ExternalClients, name: string, port: string) =>
    clients.floatingIps.updateFloatingIp({
      floatingIp: { ...floatingIpBody(), name, port },
      updateMask: { paths: ['port'] } as never,
      requestId: '',
    });
  /** What each gateway node holds beside its VRFs, in node order. */
  const gateways = async () =>
    Promise.all(nodes.map(async (node) => (await fabric.readState(node)).gateway));

  let acmeVm1 = '';
  let acmeVm2 = '';
  let acmeVm3 = '';
  let globexVm1 = '';

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    external = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    acme = await externalClientsAs(engine.address, engine.dataDir, 'tenant', 'acme');
    fabric = await openFileBackedFabric({ directory: join(engine.dataDir, 'fabric') });
    for (const tenantId of ['acme', 'globex']) {
      await portal.tenants.createTenant({
        tenantId,
        tenant: {
          ...tenantBody({ vpcs: 5, subnets: 5, ports: 10 }),
          quota: { vpcs: 5, subnets: 5, ports: 10, floatingIps: 5 },
        },
        requestId: '',
      });
      // Identical private CIDRs in both tenants.
      await createVpcSubnet(
        portal,
        `tenants/${tenantId}`,
        'blue',
        '10.0.0.0/16',
        'web',
        '10.0.1.0/24',
      );
    }
    await createVpcSubnet(portal, 'tenants/acme', 'red', '10.1.0.0/16', 'web', '10.1.1.0/24');
    acmeVm1 = await createPort('tenants/acme/vpcs/blue', 'vm1', 'leaf1', 'swp1');
    acmeVm2 = await createPort('tenants/acme/vpcs/blue', 'vm2', 'leaf2', 'swp1');
    acmeVm3 = await createPort('tenants/acme/vpcs/red', 'vm3', 'leaf1', 'swp2');
    globexVm1 = await createPort('tenants/globex/vpcs/blue', 'vm1', 'leaf3', 'swp1');
  }, 120_000);
  afterAll(async () => {
    external.close();
    acme.close();
    await engine.stop();
  });

  it('creates an external network (the portal); a tenant reads it without its internals', async () => {
    const created = await external.externalNetworks.createExternalNetwork({
      externalNetworkId: 'internet',
      externalNetwork: externalNetworkBody(['203.0.113.0/30']),
      requestId: '',
    });
    expect(created).toMatchObject({
      name: NETWORK,
      pools: ['203.0.113.0/30'],
      gatewayNodes: nodes,
      upstreamPeers: [{ address: '198.51.100.1', asn: 64500 }],
      etag: '"1"',
    });
    const seen = await acme.externalNetworks.getExternalNetwork({ name: NETWORK });
    expect(seen).toMatchObject({ name: NETWORK, pools: ['203.0.113.0/30'], gatewayNodes: [] });
    const denied = await grpcErrorOf(
      acme.externalNetworks.createExternalNetwork({
        externalNetworkId: 'other',
        externalNetwork: externalNetworkBody(['198.51.100.0/28']),
        requestId: '',
      }),
    );
    expect(denied.codeName).toBe('PERMISSION_DENIED');
    const listed = await external.externalNetworks.listExternalNetworks({
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.externalNetworks.map((network) => network.name)).toEqual([NETWORK]);
  });

  it('connects two tenants VPCs to it: transfer /31s, SNAT addresses, both gateway nodes configured', async () => {
    await done(
      acme.externalGateways.createExternalGateway({
        parent: 'tenants/acme/vpcs/blue',
        externalGateway: gatewayBody(),
        requestId: '',
      }),
    );
    await done(
      external.externalGateways.createExternalGateway({
        parent: 'tenants/globex/vpcs/blue',
        externalGateway: gatewayBody(),
        requestId: '',
      }),
    );
    const acmeGateway = await acme.externalGateways.getExternalGateway({
      name: 'tenants/acme/vpcs/blue/externalGateway',
    });
    expect(acmeGateway).toMatchObject({
      externalNetwork: NETWORK,
      transferBlock: '172.16.0.0/31',
      vrfAddress: '172.16.0.0/31',
      gatewayAddress: '172.16.0.1/31',
      snatAddress: '203.0.113.0',
      status: 'EXTERNAL_GATEWAY_ACTIVE',
    });
    const globexGateway = await external.externalGateways.getExternalGateway({
      name: 'tenants/globex/vpcs/blue/externalGateway',
    });
    expect(globexGateway).toMatchObject({
      transferBlock: '172.16.0.2/31',
      snatAddress: '203.0.113.1',
    });
    const acmeVpc = await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' });
    const globexVpc = await portal.vpcs.getVpc({ name: 'tenants/globex/vpcs/blue' });
    for (const node of nodes) {
      const state = await fabric.readState(node);
      expect(state.vrfs.map((vrf) => vrf.name).sort()).toEqual(
        [acmeVpc.vrfName, globexVpc.vrfName].sort(),
      );
      expect(state.gateway).toMatchObject({
        snatRules: expect.arrayContaining([
          { vrf: acmeVpc.vrfName, publicAddress: '203.0.113.0' },
          { vrf: globexVpc.vrfName, publicAddress: '203.0.113.1' },
        ]),
        defaultRoutes: expect.arrayContaining([{ vrf: acmeVpc.vrfName, nextHop: '172.16.0.1' }]),
        upstreamPrefixes: ['203.0.113.0/32', '203.0.113.1/32'],
        dnatRules: [],
      });
    }
    const listed = await acme.externalGateways.listExternalGateways({
      parent: 'tenants/acme',
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.externalGateways.map((gateway) => gateway.name)).toEqual([
      'tenants/acme/vpcs/blue/externalGateway',
    ]);
  });

  it.each([
    // Every step of set-external-gateway, on one node or the other.
    ['createVrf', 'gw1'],
    ['configureBgpEvpn', 'gw2'],
    ['addTransferLink', 'gw2'],
    ['addDefaultRoute', 'gw1'],
    ['addSnat', 'gw2'],
    ['announceUpstream', 'gw1'],
  ] as const)(
    'a gateway whose %s fails on %s leaves both nodes as they were, the error on its Operation',
    async (operationKind, device) => {
      const before = await Promise.all(nodes.map((node) => fabric.readState(node)));
      const fault = await fabric.injectFault({ effect: 'fail', device, operationKind });
      const operation = await finished(
        portal,
        await acme.externalGateways.createExternalGateway({
          parent: 'tenants/acme/vpcs/red',
          externalGateway: gatewayBody(),
          requestId: '',
        }),
      );
      await fabric.clearFault(fault);
      expect(operation).toMatchObject({ done: true, error: { code: 14 } });
      expect(operation.error?.message).toContain(operationKind);
      expect(await Promise.all(nodes.map((node) => fabric.readState(node)))).toEqual(before);
      expect(
        await acme.externalGateways.getExternalGateway({
          name: 'tenants/acme/vpcs/red/externalGateway',
        }),
      ).toMatchObject({
        status: 'EXTERNAL_GATEWAY_ERROR',
        statusReason: expect.stringContaining(operationKind),
      });
      // Deleting the failed gateway gives its claims back; the nodes stay as they are.
      await done(
        acme.externalGateways.deleteExternalGateway({
          name: 'tenants/acme/vpcs/red/externalGateway',
          etag: '',
          requestId: '',
        }),
      );
      expect(await Promise.all(nodes.map((node) => fabric.readState(node)))).toEqual(before);
    },
  );

  it('associates a floating IP: DNAT to the port on both nodes and its /32 announced', async () => {
    await done(
      acme.floatingIps.createFloatingIp({
        parent: 'tenants/acme',
        floatingIpId: 'web',
        floatingIp: floatingIpBody(),
        requestId: '',
      }),
    );
    const created = await acme.floatingIps.getFloatingIp({ name: 'tenants/acme/floatingIps/web' });
    expect(created).toMatchObject({
      address: '203.0.113.2',
      port: '',
      status: 'FLOATING_IP_ACTIVE',
    });
    expect((await gateways())[0]?.upstreamPrefixes).not.toContain('203.0.113.2/32');
    const stream = portal.watch.watch({ parent: 'tenants/acme' });
    const changes: ResourceChange[] = [];
    stream.on('data', (change: ResourceChange) => changes.push(change));
    stream.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await done(associate(acme, 'tenants/acme/floatingIps/web', acmeVm1));
    const deadline = Date.now() + 10_000;
    while (
      !changes.some(
        (change) => change.floatingIp?.status === FloatingIpStatus.FLOATING_IP_ACTIVE,
      ) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stream.cancel();
    // The watcher sees the floating IP and the gateway it is associated through change.
    expect(changes.map((change) => [change.type, change.resourceName])).toEqual(
      expect.arrayContaining([
        [ChangeType.UPDATED, 'tenants/acme/floatingIps/web'],
        [ChangeType.UPDATED, 'tenants/acme/vpcs/blue/externalGateway'],
      ]),
    );
    expect(changes.find((change) => change.externalGateway)?.externalGateway).toMatchObject({
      floatingIps: ['tenants/acme/floatingIps/web'],
    });
    const vrf = (await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' })).vrfName;
    for (const gateway of await gateways()) {
      expect(gateway?.dnatRules).toEqual([
        { vrf, publicAddress: '203.0.113.2', privateAddress: fixedIps.get(acmeVm1) },
      ]);
      expect(gateway?.upstreamPrefixes).toContain('203.0.113.2/32');
    }
    expect(
      await acme.floatingIps.getFloatingIp({ name: 'tenants/acme/floatingIps/web' }),
    ).toMatchObject({
      port: acmeVm1,
      fixedIp: fixedIps.get(acmeVm1),
      status: 'FLOATING_IP_ACTIVE',
    });
  });

  it('reports a NAT rule and an announcement removed on a gateway node behind its back, and repairs them', async () => {
    expect(await portal.fabric.getFabricDrift({})).toEqual({ items: [], unreachableDevices: [] });
    await fabric.tamper('gw2', (state) => ({
      ...state,
      gateway: {
        ...state.gateway!,
        dnatRules: [],
        upstreamPrefixes: state.gateway!.upstreamPrefixes.filter(
          (prefix) => prefix !== '203.0.113.2/32',
        ),
      },
    }));
    const drift = await portal.fabric.getFabricDrift({});
    expect(drift.items.map(({ device, kind, item }) => ({ device, kind, item }))).toEqual([
      { device: 'gw2', kind: 'MISSING', item: 'dnat 203.0.113.2' },
      { device: 'gw2', kind: 'MISSING', item: 'upstream-prefix 203.0.113.2/32' },
    ]);
    const repair = await portal.fabric.repairFabricDrift({
      reason: 'drift on a gateway node',
      devices: [],
    });
    expect(repair.sagaIds).toEqual([expect.stringMatching(/^repair-gw2-/)]);
    const deadline = Date.now() + 20_000;
    let after = await portal.fabric.getFabricDrift({});
    while (after.items.length > 0 && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 100));
      after = await portal.fabric.getFabricDrift({});
    }
    expect(after).toEqual({ items: [], unreachableDevices: [] });
    expect(await gateways()).toEqual([(await gateways())[0], (await gateways())[0]]);
  });

  describe('refusals: each named, nothing written', () => {
    let before = 0;
    beforeAll(async () => {
      // A VPC with a gateway and no subnets (so nothing but the gateway keeps it), whose SNAT
      // address is the last of the pool.
      await done(
        portal.vpcs.createVpc({
          parent: 'tenants/globex',
          vpcId: 'edge',
          vpc: vpcBody(['10.9.0.0/16']),
          requestId: '',
        }),
      );
      await done(
        external.externalGateways.createExternalGateway({
          parent: 'tenants/globex/vpcs/edge',
          externalGateway: gatewayBody(),
          requestId: '',
        }),
      );
      before = await countEvents();
    });

    it('a used-up pool is RESOURCE_EXHAUSTED naming the pools', async () => {
      const error = await grpcErrorOf(
        acme.floatingIps.createFloatingIp({
          parent: 'tenants/acme',
          floatingIpId: 'more',
          floatingIp: floatingIpBody(),
          requestId: '',
        }),
      );
      expect(error.codeName).toBe('RESOURCE_EXHAUSTED');
      expect(error.quotaFailure?.violations[0]?.subject).toBe(`${NETWORK}.pools`);
    });

    it("another tenant's port is NOT_FOUND, naming it", async () => {
      const error = await grpcErrorOf(associate(acme, 'tenants/acme/floatingIps/web', globexVm1));
      expect(error.codeName).toBe('NOT_FOUND');
      expect(error.resourceInfo?.resourceName).toBe(globexVm1);
    });

    it('a port whose VPC has no gateway is FAILED_PRECONDITION naming the VPC', async () => {
      const error = await grpcErrorOf(associate(acme, 'tenants/acme/floatingIps/web', acmeVm3));
      expect(error.codeName).toBe('FAILED_PRECONDITION');
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type: 'NO_EXTERNAL_GATEWAY',
        subject: 'tenants/acme/vpcs/red',
      });
    });

    it('deleting a VPC with a gateway is FAILED_PRECONDITION naming the gateway', async () => {
      const error = await grpcErrorOf(
        portal.vpcs.deleteVpc({ name: 'tenants/globex/vpcs/edge', etag: '', requestId: '' }),
      );
      expect(error.codeName).toBe('FAILED_PRECONDITION');
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type: 'HAS_EXTERNAL_GATEWAY',
        subject: 'tenants/globex/vpcs/edge',
        description: expect.stringContaining('tenants/globex/vpcs/edge/externalGateway'),
      });
    });

    it('removing a gateway while a floating IP of its VPC is associated is FAILED_PRECONDITION naming it', async () => {
      const error = await grpcErrorOf(
        acme.externalGateways.deleteExternalGateway({
          name: 'tenants/acme/vpcs/blue/externalGateway',
          etag: '',
          requestId: '',
        }),
      );
      expect(error.codeName).toBe('FAILED_PRECONDITION');
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type: 'HAS_FLOATING_IPS',
        description: expect.stringContaining('tenants/acme/floatingIps/web'),
      });
    });

    it('deleting a port with an associated floating IP is FAILED_PRECONDITION naming it', async () => {
      const error = await grpcErrorOf(
        portal.ports.deletePort({ name: acmeVm1, etag: '', requestId: '' }),
      );
      expect(error.codeName).toBe('FAILED_PRECONDITION');
      expect(error.preconditionFailure?.violations[0]).toMatchObject({
        type: 'HAS_FLOATING_IP',
        subject: acmeVm1,
        description: expect.stringContaining('tenants/acme/floatingIps/web'),
      });
    });

    it.each([
      ['an address outside the pool', '198.51.100.7', 'floating_ip.address'],
      ['a malformed address', '203.0.113', 'floating_ip.address'],
    ])('%s is INVALID_ARGUMENT naming the field', async (_what, address, field) => {
      const error = await grpcErrorOf(
        acme.floatingIps.createFloatingIp({
          parent: 'tenants/acme',
          floatingIpId: 'given',
          floatingIp: floatingIpBody(address),
          requestId: '',
        }),
      );
      expect(error.codeName).toBe('INVALID_ARGUMENT');
      expect(error.badRequest?.fieldViolations.map((violation) => violation.field)).toEqual([
        field,
      ]);
    });

    it('creating an existing external network again is ALREADY_EXISTS, whatever the body', async () => {
      // Regression (chaos access matrix): a second create of the id answered OK with the first
      // network, as if it were a retry, without a request_id and with other pools.
      for (const pools of [['203.0.113.0/30'], ['198.51.100.0/28']]) {
        const error = await grpcErrorOf(
          external.externalNetworks.createExternalNetwork({
            externalNetworkId: 'internet',
            externalNetwork: externalNetworkBody(pools),
            requestId: '',
          }),
        );
        expect(error.codeName).toBe('ALREADY_EXISTS');
      }
    });

    it('a malformed CIDR is INVALID_ARGUMENT naming the field', async () => {
      const error = await grpcErrorOf(
        external.externalNetworks.createExternalNetwork({
          externalNetworkId: 'other',
          externalNetwork: externalNetworkBody(['198.51.100.0/33', '198.51.100.1/24']),
          requestId: '',
        }),
      );
      expect(error.codeName).toBe('INVALID_ARGUMENT');
      expect(error.badRequest?.fieldViolations.map((violation) => violation.field)).toEqual([
        'external_network.pools[0]',
        'external_network.pools[1]',
      ]);
    });

    it('wrote nothing for any of them', async () => {
      expect(await countEvents()).toBe(before);
    });
  });

  it('moves the floating IP to another port, then disassociates it: the nodes follow, the /32 withdrawn', async () => {
    // A move whose new DNAT fails on gw2: both nodes keep the old one, the intent goes back too.
    const before = await gateways();
    // Every attempt of the step (three) fails; the compensation's addDnat of the old rule does not.
    const fault = await fabric.injectFault({
      effect: 'fail',
      device: 'gw2',
      operationKind: 'addDnat',
      times: 3,
    });
    const failed = await finished(
      portal,
      await associate(acme, 'tenants/acme/floatingIps/web', acmeVm2),
    );
    await fabric.clearFault(fault);
    expect(failed).toMatchObject({ done: true, error: { code: 14 } });
    expect(await gateways()).toEqual(before);
    expect(
      await acme.floatingIps.getFloatingIp({ name: 'tenants/acme/floatingIps/web' }),
    ).toMatchObject({
      port: acmeVm1,
      status: 'FLOATING_IP_ERROR',
      statusReason: expect.stringContaining('addDnat'),
    });
    expect(await portal.fabric.getFabricDrift({})).toEqual({ items: [], unreachableDevices: [] });

    await done(associate(acme, 'tenants/acme/floatingIps/web', acmeVm2));
    const vrf = (await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' })).vrfName;
    for (const gateway of await gateways()) {
      expect(gateway?.dnatRules).toEqual([
        { vrf, publicAddress: '203.0.113.2', privateAddress: fixedIps.get(acmeVm2) },
      ]);
      expect(gateway?.upstreamPrefixes).toContain('203.0.113.2/32');
    }
    await done(associate(acme, 'tenants/acme/floatingIps/web', ''));
    for (const gateway of await gateways()) {
      expect(gateway?.dnatRules).toEqual([]);
      expect(gateway?.upstreamPrefixes).not.toContain('203.0.113.2/32');
    }
    expect(
      await acme.floatingIps.getFloatingIp({ name: 'tenants/acme/floatingIps/web' }),
    ).toMatchObject({
      port: '',
      status: 'FLOATING_IP_ACTIVE',
    });
  });

  it('removes a gateway from both nodes and gives its transfer /31 and SNAT address back', async () => {
    for (const id of ['web']) {
      await done(
        acme.floatingIps.deleteFloatingIp({
          name: `tenants/acme/floatingIps/${id}`,
          etag: '',
          requestId: '',
        }),
      );
    }
    await done(
      acme.externalGateways.deleteExternalGateway({
        name: 'tenants/acme/vpcs/blue/externalGateway',
        etag: '',
        requestId: '',
      }),
    );
    const acmeVrf = (await portal.vpcs.getVpc({ name: 'tenants/acme/vpcs/blue' })).vrfName;
    for (const node of nodes) {
      const state = await fabric.readState(node);
      expect(state.vrfs.map((vrf) => vrf.name)).not.toContain(acmeVrf);
      expect(state.gateway?.transferLinks.map((link) => link.vrf)).not.toContain(acmeVrf);
      expect(state.gateway?.upstreamPrefixes).toEqual(['203.0.113.1/32', '203.0.113.3/32']);
    }
    await done(
      acme.externalGateways.createExternalGateway({
        parent: 'tenants/acme/vpcs/blue',
        externalGateway: gatewayBody(),
        requestId: '',
      }),
    );
    expect(
      await acme.externalGateways.getExternalGateway({
        name: 'tenants/acme/vpcs/blue/externalGateway',
      }),
    ).toMatchObject({ transferBlock: '172.16.0.0/31', snatAddress: '203.0.113.0' });
  });

  it('loomctl creates, associates, disassociates and deletes a floating IP, and shows the gateway', async () => {
    await ensureLoomctlBuilt();
    const key = await loadOrCreateSigningKey(engine.dataDir);
    const env = {
      LOOM_SERVER: engine.address,
      LOOM_TOKEN: await mintToken(key, {
        role: 'tenant',
        tenant: 'acme',
        subject: 'cli',
        ttl: '1h',
      }),
      LOOM_CONFIG: join(engine.dataDir, 'loomctl-config.json'),
    };
    const loomctl = async (...args: string[]) => {
      const result = await runLoomctl(args, env);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({
        args,
        code: 0,
        stderr: '',
      });
      return result.stdout;
    };
    const name = 'tenants/acme/floatingIps/cli';
    const created = JSON.parse(
      await loomctl('floating-ips', 'create', name, '--external-network', NETWORK, '-o', 'json'),
    ) as { address: string };
    expect(created.address).toBe('203.0.113.2');
    expect(
      JSON.parse(await loomctl('floating-ips', 'associate', name, acmeVm1, '-o', 'json')),
    ).toMatchObject({ port: acmeVm1, status: 'FLOATING_IP_ACTIVE' });
    expect((await gateways())[1]?.upstreamPrefixes).toContain('203.0.113.2/32');
    expect(await loomctl('floating-ips', 'list', 'tenants/acme')).toContain(name);
    expect(
      JSON.parse(await loomctl('external-gateways', 'get', 'tenants/acme/vpcs/blue', '-o', 'json')),
    ).toMatchObject({ floatingIps: [name], snatAddress: '203.0.113.0' });
    await loomctl('floating-ips', 'disassociate', name);
    expect((await gateways())[1]?.upstreamPrefixes).not.toContain('203.0.113.2/32');
    await loomctl('floating-ips', 'delete', name);
  }, 300_000);
});
