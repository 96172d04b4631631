import { join } from 'node:path';
import { Client } from 'pg';
import {
  ChangeType,
  type Operation,
  type QosLimit,
  type QosPolicy,
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
} from '../../../test/support/network-fixtures';

const NETWORK = 'externalNetworks/internet';
const nodes = ['gw1', 'gw2'];
const GOLD = 'tenants/acme/qosPolicies/gold';
const tenMbit: QosLimit = { maxRateKbps: 10_000, maxBurstBytes: 15_000 };
const fiveMbit: QosLimit = { maxRateKbps: 5_000, maxBurstBytes: 15_000 };
const hundredMbit: QosLimit = { maxRateKbps: 100_000, maxBurstBytes: 125_000 };
const shape = (limit: QosLimit | null) =>
  limit ? { rateKbps: limit.maxRateKbps, burstBytes: limit.maxBurstBytes } : null;

const policyBody = (ingress: QosLimit | null, egress: QosLimit | null): QosPolicy => ({
  name: '',
  displayName: 'Gold',
  ingress,
  egress,
  attachments: [],
  status: 'QOS_POLICY_STATUS_UNSPECIFIED' as never,
  statusReason: '',
  etag: '',
});

/**
 * QoS policies on the simulated fabric, through gRPC: attached to ports (on their leaf) and to a
 * floating IP (on both gateway nodes), limits changed live, detached and deleted; every refusal
 * with its code, the field or resource named, and nothing written; a fault at each step leaving
 * every device as it was with the error on the Operation; drift of a shaper reported and repaired.
 */
describe('QoS policies', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let ops: LoomClients;
  let acme: ExternalClients;
  let globex: ExternalClients;
  let fabric: SimulatedFabric;
  const fixedIps = new Map<string, string>();
  let vm1 = '';
  let vm2 = '';
  let vm3 = '';
  let globexVm = '';
  const FIP = 'tenants/acme/floatingIps/web';

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
  const createPort = async (
    tenant: string,
    portId: string,
    leaf: string,
    iface: string,
  ): Promise<string> => {
    const parent = `tenants/${tenant}/vpcs/blue/subnets/web`;
    await done(
      portal.ports.createPort({ parent, portId, port: boundPortBody(leaf, iface), requestId: '' }),
    );
    const port = await portal.ports.getPort({ name: `${parent}/ports/${portId}` });
    fixedIps.set(port.name, port.fixedIp);
    return port.name;
  };
  const attach = (resource: string, name = GOLD) =>
    acme.qosPolicies.attachQosPolicy({ name, resource, etag: '', requestId: '' });
  const detach = (resource: string, name = GOLD) =>
    acme.qosPolicies.detachQosPolicy({ name, resource, etag: '', requestId: '' });
  const updateLimits = (ingress: QosLimit | null, egress: QosLimit | null) =>
    acme.qosPolicies.updateQosPolicy({
      qosPolicy: { ...policyBody(ingress, egress), name: GOLD },
      updateMask: { paths: ['ingress', 'egress'] } as never,
      requestId: '',
    });
  const shapingOf = async (device: string) => (await fabric.readState(device)).shaping;
  const allDevices = async () =>
    Promise.all(['leaf1', 'leaf2', ...nodes].map((device) => fabric.readState(device)));
  const portShaping = (port: string, ingress: QosLimit | null, egress: QosLimit | null) => ({
    interface: 'swp1',
    vlan: expect.any(Number) as number,
    address: fixedIps.get(port),
    ingress: shape(ingress),
    egress: shape(egress),
  });

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    ops = await engine.clientsAs('ops');
    const external = await externalClientsAs(engine.address, engine.dataDir, 'portal');
    acme = await externalClientsAs(engine.address, engine.dataDir, 'tenant', 'acme');
    globex = await externalClientsAs(engine.address, engine.dataDir, 'tenant', 'globex');
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
      await createVpcSubnet(
        portal,
        `tenants/${tenantId}`,
        'blue',
        '10.0.0.0/16',
        'web',
        '10.0.1.0/24',
      );
    }
    // Two VMs behind one hypervisor interface (one VLAN), a third on another leaf.
    vm1 = await createPort('acme', 'vm1', 'leaf1', 'swp1');
    vm2 = await createPort('acme', 'vm2', 'leaf1', 'swp1');
    vm3 = await createPort('acme', 'vm3', 'leaf2', 'swp1');
    globexVm = await createPort('globex', 'vm1', 'leaf1', 'swp2');
    await external.externalNetworks.createExternalNetwork({
      externalNetworkId: 'internet',
      externalNetwork: {
        name: '',
        displayName: 'The Internet',
        pools: ['203.0.113.0/29'],
        gatewayNodes: nodes,
        upstreamPeers: [{ address: '198.51.100.1', asn: 64500 }],
        addressesInUse: 0,
        etag: '',
        createTime: null,
        updateTime: null,
      },
      requestId: '',
    });
    external.close();
    await done(
      acme.externalGateways.createExternalGateway({
        parent: 'tenants/acme/vpcs/blue',
        externalGateway: {
          name: '',
          externalNetwork: NETWORK,
          transferBlock: '',
          vrfAddress: '',
          gatewayAddress: '',
          snatAddress: '',
          status: 'EXTERNAL_GATEWAY_STATUS_UNSPECIFIED' as never,
          statusReason: '',
          floatingIps: [],
          etag: '',
        },
        requestId: '',
      }),
    );
    const fip = {
      name: '',
      displayName: '',
      externalNetwork: NETWORK,
      address: '',
      port: '',
      fixedIp: '',
      status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
      statusReason: '',
      etag: '',
    };
    await done(
      acme.floatingIps.createFloatingIp({
        parent: 'tenants/acme',
        floatingIpId: 'web',
        floatingIp: fip,
        requestId: '',
      }),
    );
    await done(
      acme.floatingIps.updateFloatingIp({
        floatingIp: { ...fip, name: FIP, port: vm3 },
        updateMask: { paths: ['port'] } as never,
        requestId: '',
      }),
    );
  }, 120_000);
  afterAll(async () => {
    acme.close();
    globex.close();
    await engine.stop();
  });

  it('refuses bad limits naming the field, writing nothing', async () => {
    const before = await countEvents();
    const cases: [QosLimit | null, QosLimit | null, string][] = [
      [{ maxRateKbps: 0, maxBurstBytes: 15_000 }, null, 'qos_policy.ingress.max_rate_kbps'],
      [null, { maxRateKbps: -10, maxBurstBytes: 15_000 }, 'qos_policy.egress.max_rate_kbps'],
      [
        { maxRateKbps: 10_000_001, maxBurstBytes: 15_000 },
        null,
        'qos_policy.ingress.max_rate_kbps',
      ],
      [null, { maxRateKbps: 10_000, maxBurstBytes: 1_499 }, 'qos_policy.egress.max_burst_bytes'],
      [null, null, 'qos_policy.ingress'],
    ];
    for (const [ingress, egress, field] of cases) {
      const error = await grpcErrorOf(
        acme.qosPolicies.createQosPolicy({
          parent: 'tenants/acme',
          qosPolicyId: 'bad',
          qosPolicy: policyBody(ingress, egress),
          requestId: '',
        }),
      );
      expect({
        field,
        code: error.codeName,
        fields: error.badRequest?.fieldViolations.map((v) => v.field),
      }).toEqual({
        field,
        code: 'INVALID_ARGUMENT',
        fields: [field],
      });
    }
    expect(await countEvents()).toBe(before);
  });

  it('creates a policy and attaches it to a port on its leaf and a floating IP on both gateway nodes', async () => {
    await done(
      acme.qosPolicies.createQosPolicy({
        parent: 'tenants/acme',
        qosPolicyId: 'gold',
        qosPolicy: policyBody(tenMbit, fiveMbit),
        requestId: '',
      }),
    );
    await done(attach(vm1));
    await done(attach(FIP));
    const policy = await acme.qosPolicies.getQosPolicy({ name: GOLD });
    expect(policy).toMatchObject({
      name: GOLD,
      ingress: tenMbit,
      egress: fiveMbit,
      attachments: [FIP, vm1],
      status: 'QOS_POLICY_ACTIVE',
    });
    const listed = await acme.qosPolicies.listQosPolicies({
      parent: 'tenants/acme',
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.qosPolicies.map((entry) => entry.name)).toEqual([GOLD]);
    // Only vm1 is shaped on leaf1: vm2 shares its interface and VLAN and stays unshaped.
    expect(await shapingOf('leaf1')).toEqual({
      ports: [portShaping(vm1, tenMbit, fiveMbit)],
      floatingIps: [],
    });
    const fip = await acme.floatingIps.getFloatingIp({ name: FIP });
    for (const node of nodes) {
      expect(await shapingOf(node)).toEqual({
        ports: [],
        floatingIps: [
          {
            vrf: expect.any(String) as string,
            publicAddress: fip.address,
            ingress: shape(tenMbit),
            egress: shape(fiveMbit),
          },
        ],
      });
    }
  });

  it('changes the limits of everything attached, without detaching', async () => {
    await done(updateLimits(hundredMbit, tenMbit));
    expect(await shapingOf('leaf1')).toEqual({
      ports: [portShaping(vm1, hundredMbit, tenMbit)],
      floatingIps: [],
    });
    for (const node of nodes) {
      expect((await shapingOf(node))?.floatingIps).toMatchObject([
        { ingress: shape(hundredMbit), egress: shape(tenMbit) },
      ]);
    }
    expect(await acme.qosPolicies.getQosPolicy({ name: GOLD })).toMatchObject({
      ingress: hundredMbit,
      egress: tenMbit,
      attachments: [FIP, vm1],
      status: 'QOS_POLICY_ACTIVE',
    });
  });

  it('refuses what would leave shaping behind or two policies on one resource, writing nothing', async () => {
    await done(
      acme.qosPolicies.createQosPolicy({
        parent: 'tenants/acme',
        qosPolicyId: 'silver',
        qosPolicy: policyBody(fiveMbit, null),
        requestId: '',
      }),
    );
    const before = await countEvents();
    const deleteAttached = await grpcErrorOf(
      acme.qosPolicies.deleteQosPolicy({ name: GOLD, etag: '', requestId: '' }),
    );
    expect(deleteAttached).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    expect(deleteAttached.message).toContain(vm1);
    expect(deleteAttached.message).toContain(FIP);
    const deletePort = await grpcErrorOf(
      portal.ports.deletePort({ name: vm1, etag: '', requestId: '' }),
    );
    expect(deletePort).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    expect(deletePort.message).toContain(GOLD);
    const disassociate = await grpcErrorOf(
      acme.floatingIps.updateFloatingIp({
        floatingIp: {
          name: FIP,
          displayName: '',
          externalNetwork: NETWORK,
          address: '',
          port: '',
          fixedIp: '',
          status: 'FLOATING_IP_STATUS_UNSPECIFIED' as never,
          statusReason: '',
          etag: '',
        },
        updateMask: { paths: ['port'] } as never,
        requestId: '',
      }),
    );
    expect(disassociate).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    const second = await grpcErrorOf(attach(vm1, 'tenants/acme/qosPolicies/silver'));
    expect(second).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    expect(second.message).toContain(GOLD);
    expect(await grpcErrorOf(attach(globexVm))).toMatchObject({ codeName: 'NOT_FOUND' });
    // Another tenant's policy is not found, as everywhere.
    expect(await grpcErrorOf(globex.qosPolicies.getQosPolicy({ name: GOLD }))).toMatchObject({
      codeName: 'NOT_FOUND',
    });
    expect(
      await grpcErrorOf(attach('tenants/acme/vpcs/blue/subnets/web/ports/nothing')),
    ).toMatchObject({ codeName: 'NOT_FOUND' });
    expect(await grpcErrorOf(attach('tenants/acme/vpcs/blue'))).toMatchObject({
      codeName: 'INVALID_ARGUMENT',
    });
    expect(await grpcErrorOf(detach(vm2))).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
    const badUpdate = await grpcErrorOf(updateLimits({ maxRateKbps: 0, maxBurstBytes: 100 }, null));
    expect(badUpdate.codeName).toBe('INVALID_ARGUMENT');
    expect(badUpdate.badRequest?.fieldViolations.map((violation) => violation.field)).toEqual([
      'qos_policy.ingress.max_rate_kbps',
      'qos_policy.ingress.max_burst_bytes',
    ]);
    expect(await countEvents()).toBe(before);
  });

  it.each([
    ['attaching', 'shapePort', 'leaf1'],
    ['changing the limits (ports first)', 'shapePort', 'leaf1'],
    ['changing the limits (floating IP, second node)', 'shapeFloatingIp', 'gw2'],
    ['detaching', 'unshapePort', 'leaf1'],
  ] as const)(
    'a fault while %s (%s on %s) leaves every device as it was, the error on the Operation',
    async (what, operationKind, device) => {
      const before = await allDevices();
      const policy = await acme.qosPolicies.getQosPolicy({ name: GOLD });
      // Every attempt of the step's action (three by default) fails; its compensation does not,
      // even when it runs the same kind (the limits before).
      const fault = await fabric.injectFault({ effect: 'fail', device, operationKind, times: 3 });
      const request = what.startsWith('attaching')
        ? attach(vm2)
        : what.startsWith('detaching')
          ? detach(vm1)
          : updateLimits(fiveMbit, fiveMbit);
      const operation = await finished(portal, await request);
      await fabric.clearFault(fault);
      expect(operation).toMatchObject({ done: true, error: { code: 14 } });
      expect(operation.error?.message).toContain(operationKind);
      expect(await allDevices()).toEqual(before);
      // The intent is put back: the same limits and attachments, ERROR with the reason.
      expect(await acme.qosPolicies.getQosPolicy({ name: GOLD })).toMatchObject({
        ingress: policy.ingress,
        egress: policy.egress,
        attachments: policy.attachments,
        status: 'QOS_POLICY_ERROR',
        statusReason: expect.stringContaining(operationKind) as string,
      });
      expect(await ops.fabric.getFabricDrift({})).toEqual({ items: [], unreachableDevices: [] });
    },
  );

  it('reports a shaper changed or removed behind its back as drift, and repairs it', async () => {
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      shaping: {
        ports: (state.shaping?.ports ?? []).map((port) => ({
          ...port,
          ingress: { rateKbps: 1, burstBytes: 1_500 },
        })),
        floatingIps: [],
      },
    }));
    await fabric.tamper('gw1', (state) => {
      const { shaping: _removed, ...rest } = state;
      return rest;
    });
    const drift = await ops.fabric.getFabricDrift({});
    expect(drift.items.map((item) => [item.device, item.kind, item.item])).toEqual([
      ['gw1', 'MISSING', expect.stringContaining('floating-ip-shaping')],
      ['leaf1', 'DIFFERENT', expect.stringContaining(`port-shaping swp1`)],
    ]);
    expect(drift.items[1]?.fields).toEqual([
      {
        field: 'ingress',
        intended: '100000 kbit/s, burst 125000 B',
        actual: '1 kbit/s, burst 1500 B',
      },
    ]);
    await ops.fabric.repairFabricDrift({ reason: 'a shaper was changed by hand', devices: [] });
    const deadline = Date.now() + 20_000;
    let settled = await ops.fabric.getFabricDrift({});
    while (settled.items.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      settled = await ops.fabric.getFabricDrift({});
    }
    expect(settled).toEqual({ items: [], unreachableDevices: [] });
    expect((await shapingOf('leaf1'))?.ports).toEqual([portShaping(vm1, hundredMbit, tenMbit)]);
  });

  it('shapes a bare-metal server on its access port like a VM', async () => {
    const parent = 'tenants/acme/vpcs/blue/subnets/web';
    await done(
      portal.ports.createPort({
        parent,
        portId: 'bm1',
        port: {
          ...boundPortBody('leaf2', 'swp7'),
          kind: 'BARE_METAL' as never,
          binding: { host: 'bm-1', leafSwitch: 'leaf2', interface: 'swp7', vlan: 0 },
        },
        requestId: '',
      }),
    );
    const server = await portal.ports.getPort({ name: `${parent}/ports/bm1` });
    const bronze = 'tenants/acme/qosPolicies/bronze';
    await done(
      acme.qosPolicies.createQosPolicy({
        parent: 'tenants/acme',
        qosPolicyId: 'bronze',
        qosPolicy: policyBody(null, fiveMbit),
        requestId: '',
      }),
    );
    await done(attach(server.name, bronze));
    expect((await shapingOf('leaf2'))?.ports).toContainEqual({
      interface: 'swp7',
      vlan: server.binding?.vlan,
      address: server.fixedIp,
      ingress: null,
      egress: shape(fiveMbit),
    });
    await done(detach(server.name, bronze));
    await done(acme.qosPolicies.deleteQosPolicy({ name: bronze, etag: '', requestId: '' }));
    await done(portal.ports.deletePort({ name: server.name, etag: '', requestId: '' }));
  });

  it('loomctl creates, lists, shows, attaches, updates, detaches and deletes a QoS policy', async () => {
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
    const name = 'tenants/acme/qosPolicies/cli';
    // vm1 keeps the gold policy meanwhile: only vm2's shaping is looked at.
    const vm2Shaping = async () =>
      (await shapingOf('leaf1'))?.ports.filter((port) => port.address === fixedIps.get(vm2)) ?? [];
    const limits = ['--ingress-kbps', '20000', '--ingress-burst', '30000'];
    const created = await loomctl('qos-policies', 'create', name, ...limits);
    expect(created).toMatch(/ingress\s+20 Mbit\/s, burst 30000 B/);
    expect(created).toMatch(/egress\s+-/);
    const listed = await loomctl('qos-policies', 'list', 'tenants/acme');
    expect(listed.split('\n')[0]).toMatch(/^NAME\s+INGRESS\s+EGRESS\s+ATTACHED\s+STATUS$/);
    expect(listed).toContain(name);
    expect(
      JSON.parse(await loomctl('qos-policies', 'attach', name, vm2, '-o', 'json')),
    ).toMatchObject({
      attachments: [vm2],
      status: 'QOS_POLICY_ACTIVE',
    });
    expect(await vm2Shaping()).toEqual([
      portShaping(vm2, { maxRateKbps: 20_000, maxBurstBytes: 30_000 }, null),
    ]);
    const updated = await loomctl(
      'qos-policies',
      'update',
      name,
      '--egress-kbps',
      '1000',
      '--egress-burst',
      '1500',
      '-o',
      'yaml',
    );
    expect(updated).toContain('maxRateKbps: 1000');
    expect(await vm2Shaping()).toMatchObject([{ egress: { rateKbps: 1000, burstBytes: 1500 } }]);
    const refused = await runLoomctl(
      ['qos-policies', 'update', name, '--ingress-kbps', '0', '--ingress-burst', '1500'],
      env,
    );
    expect(refused.code).toBe(13);
    expect(refused.stderr).toContain('qos_policy.ingress.max_rate_kbps');
    await loomctl('qos-policies', 'detach', name, vm2);
    expect(await vm2Shaping()).toEqual([]);
    expect(await loomctl('qos-policies', 'get', name, '-o', 'name')).toBe(`${name}\n`);
    await loomctl('qos-policies', 'delete', name);
  }, 300_000);

  it('detaches (the shaping goes), deletes, and Watch shows the changes', async () => {
    const watch = portal.watch.watch({ parent: 'tenants/acme' });
    const changes: ResourceChange[] = [];
    watch.on('data', (change: ResourceChange) => changes.push(change));
    watch.on('error', () => undefined);
    await done(detach(vm1));
    await done(detach(FIP));
    expect(await shapingOf('leaf1')).toBeUndefined();
    for (const node of nodes) expect(await shapingOf(node)).toBeUndefined();
    // Attached to nothing, new limits need no fabric work: done at once, still ACTIVE.
    await done(updateLimits(fiveMbit, null));
    expect(await acme.qosPolicies.getQosPolicy({ name: GOLD })).toMatchObject({
      ingress: fiveMbit,
      egress: null,
      attachments: [],
      status: 'QOS_POLICY_ACTIVE',
    });
    await done(acme.qosPolicies.deleteQosPolicy({ name: GOLD, etag: '', requestId: '' }));
    expect(await grpcErrorOf(acme.qosPolicies.getQosPolicy({ name: GOLD }))).toMatchObject({
      codeName: 'NOT_FOUND',
    });
    const deadline = Date.now() + 10_000;
    while (
      !changes.some(
        (change) => change.type === ChangeType.DELETED && change.resourceName === GOLD,
      ) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    watch.cancel();
    const ofGold = changes.filter((change) => change.resourceName === GOLD);
    expect(ofGold.some((change) => change.qosPolicy?.attachments.length === 1)).toBe(true);
    expect(ofGold.at(-1)?.type).toBe(ChangeType.DELETED);
    // The port and floating IP are free again.
    await done(portal.ports.deletePort({ name: vm2, etag: '', requestId: '' }));
  });
});
