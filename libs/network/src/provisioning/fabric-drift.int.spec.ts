import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '@loom/event-store';
import {
  carriesTenants,
  defaultTopology,
  DeviceUnreachableError,
  SimulatedFabric,
  type DeviceState,
} from '@loom/fabric';
import { createLogger } from '@loom/logging';
import { sagaMigrations, Sagas, SagaWorker } from '@loom/sagas';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { createNetworkServices, type NetworkServices } from '../network-services';
import type { RequestContext } from '@loom/intents';
import { streams } from '../shared/streams';
import { subnetDecider } from '../subnets/subnet.decider';
import { vpcDecider } from '../vpcs/vpc.decider';
import { FabricDriftService } from './fabric-drift.service';
import { fabricRepairSaga, repairLeafSaga } from './fabric-repair.saga';
import { intendedFabricState } from './intended-fabric';
import { anycastGatewayMac } from './provisioning.input';

const context: RequestContext = { actor: 'portal:test', correlationId: randomUUID() };
const oncall: RequestContext = {
  actor: 'ops:oncall',
  correlationId: '',
  method: '/loom.v1.FabricService/RepairFabricDrift',
};
const rogueVrf = {
  name: 'rogue',
  l3Vni: 59_999,
  rd: '65000:59999',
  importRts: ['65000:59999'],
  exportRts: ['65000:59999'],
  bgpEvpn: false,
};
const tenantDevices = defaultTopology.devices
  .filter((device) => carriesTenants(device.role))
  .map((device) => device.name);

/**
 * The intended fabric built from the event-sourced intent, and drift repaired by real repair
 * sagas. Ports' own sagas never run here (their fabric work is recorded, but no dispatcher starts
 * it), so every port's
 * configuration is drift until a repair converges the leaf.
 */
describe('intended fabric, drift and repair', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let network: NetworkServices;
  let fabric: SimulatedFabric;
  let sagas: Sagas;
  let worker: SagaWorker;
  let drift: FabricDriftService;

  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: sagaMigrations });
    ({ database, store } = postgres);
    const settings = {
      l3VniRange: { first: 50_000, last: 50_099 },
      l2VniRange: { first: 100_000, last: 100_099 },
      asn: 65_000,
    };
    // With a fabric, so bound ports record their sagas; no dispatcher starts them here.
    network = createNetworkServices(store, settings, { topology: defaultTopology });
    fabric = new SimulatedFabric();
    const definitions = [
      fabricRepairSaga({ driver: fabric, aggregates: network.aggregates, deviceTimeoutMs: 2000 }),
    ];
    sagas = new Sagas({ pool: database.pool, store, definitions, waitPollIntervalMs: 20 });
    worker = new SagaWorker({
      pool: database.pool,
      store,
      definitions,
      leaseMs: 2000,
      pollIntervalMs: 20,
      logger: createLogger('silent'),
    });
    worker.start();
    drift = new FabricDriftService({
      driver: fabric,
      aggregates: network.aggregates,
      devices: tenantDevices,
      sagas,
    });
    await network.tenants.create(
      {
        tenantId: 'acme',
        displayName: '',
        quota: { vpcs: 5, subnets: 5, ports: 20, floatingIps: 0 },
        requestId: undefined,
      },
      context,
    );
    await network.vpcs.create(
      {
        tenantId: 'acme',
        vpcId: 'blue',
        displayName: '',
        cidrBlocks: ['10.0.0.0/16'],
        requestId: undefined,
      },
      context,
    );
    for (const [subnetId, cidr] of [
      ['web', '10.0.1.0/24'],
      ['db', '10.0.2.0/26'],
    ] as const) {
      await network.subnets.create(
        {
          tenantId: 'acme',
          vpcId: 'blue',
          subnetId,
          displayName: '',
          cidr,
          gatewayIp: '',
          requestId: undefined,
        },
        context,
      );
    }
  });
  afterAll(async () => {
    await worker.stop();
    sagas.close();
    await postgres.close();
  });

  const repair = (reason = 'drift seen on the dashboard', devices?: string[]) =>
    drift.repair({ reason, ...(devices === undefined ? {} : { devices }) }, oncall);

  const createPort = (subnetId: string, portId: string, leafSwitch: string, iface: string) =>
    network.ports.create(
      {
        tenantId: 'acme',
        vpcId: 'blue',
        subnetId,
        portId,
        displayName: '',
        kind: 'VIRTUAL_MACHINE',
        fixedIp: '',
        macAddress: '',
        binding: { host: 'hv-1', leafSwitch, interface: iface, vlan: 0 },
        requestId: undefined,
      },
      context,
    );
  const deletePort = (subnetId: string, portId: string) =>
    network.ports.delete(
      { name: { tenant: 'acme', vpc: 'blue', subnet: subnetId, port: portId } },
      context,
    );

  async function identities() {
    const { state: vpc } = await network.aggregates.load(streams.vpc('acme', 'blue'), vpcDecider);
    const l2 = async (subnetId: string) => {
      const { state } = await network.aggregates.load(
        streams.subnet('acme', 'blue', subnetId),
        subnetDecider,
      );
      if (state.status !== 'Active') throw new Error(`subnet ${subnetId} is not active`);
      return state.l2Vni;
    };
    if (vpc.status !== 'Active') throw new Error('the VPC is not active');
    return { routing: vpc.routing, web: await l2('web'), db: await l2('db') };
  }

  it("builds each leaf's intended state from the VLANs, subnets and VPCs of its bound ports", async () => {
    await createPort('web', 'p1', 'leaf1', 'swp1');
    // A second VM of the subnet behind the same trunk shares the binding.
    await createPort('web', 'p2', 'leaf1', 'swp1');
    await createPort('web', 'p3', 'leaf1', 'swp7');
    await createPort('db', 'p4', 'leaf1', 'swp7');
    await createPort('db', 'p5', 'leaf2', 'swp3');
    const { routing, web, db } = await identities();
    const vrf = {
      name: routing.vrfName,
      l3Vni: routing.l3Vni,
      rd: routing.routeDistinguisher,
      importRts: routing.importRouteTargets,
      exportRts: routing.exportRouteTargets,
      bgpEvpn: true,
    };
    const binding = (
      l2Vni: number,
      vlan: number,
      anycastGateway: string,
      interfaces: string[],
    ) => ({
      l2Vni,
      vrf: routing.vrfName,
      vlan,
      anycastGateway,
      gatewayMac: anycastGatewayMac,
      interfaces,
    });
    const empty: DeviceState = { vrfs: [], l2Vnis: [], prefixes: [] };

    expect(await intendedFabricState(network.aggregates, ['leaf1', 'leaf2', 'leaf3'])).toEqual({
      leaf1: {
        vrfs: [vrf],
        l2Vnis: [
          binding(web, 2, '10.0.1.1/24', ['swp1', 'swp7']),
          binding(db, 3, '10.0.2.1/26', ['swp7']),
        ].sort((a, b) => a.l2Vni - b.l2Vni),
        prefixes: [],
      },
      leaf2: { vrfs: [vrf], l2Vnis: [binding(db, 2, '10.0.2.1/26', ['swp3'])], prefixes: [] },
      leaf3: empty,
    });

    // A deleted port leaves the intent at once (its saga would remove the configuration); the
    // binding stays while another port of the subnet still uses the interface.
    await deletePort('web', 'p2');
    await deletePort('web', 'p3');
    await deletePort('db', 'p5');
    expect(await intendedFabricState(network.aggregates, ['leaf1', 'leaf2'])).toEqual({
      leaf1: {
        vrfs: [vrf],
        l2Vnis: [
          binding(web, 2, '10.0.1.1/24', ['swp1']),
          binding(db, 3, '10.0.2.1/26', ['swp7']),
        ].sort((a, b) => a.l2Vni - b.l2Vni),
        prefixes: [],
      },
      leaf2: empty,
    });
  });

  it('lists drift on every leaf and repairs it with one saga per leaf', async () => {
    const { routing } = await identities();
    await fabric.tamper('leaf3', (state) => ({
      ...state,
      vrfs: [rogueVrf],
    }));
    const before = await drift.drift();
    // Nothing ran for the ports: leaf1's whole configuration is missing.
    expect(before.filter((difference) => difference.device === 'leaf1')).toEqual(
      expect.arrayContaining([
        { kind: 'missing', device: 'leaf1', item: { type: 'vrf', vrf: routing.vrfName } },
      ]),
    );
    expect(before.filter((difference) => difference.device === 'leaf1')).toHaveLength(5);
    expect(before.filter((difference) => difference.device !== 'leaf1')).toEqual([
      { kind: 'unexpected', device: 'leaf3', item: { type: 'vrf', vrf: 'rogue' } },
    ]);

    const { sagaIds, unreachable } = await repair();
    expect(unreachable).toEqual([]);
    expect(sagaIds).toEqual([
      expect.stringMatching(/^repair-leaf1-[0-9a-f-]{36}$/),
      expect.stringMatching(/^repair-leaf3-[0-9a-f-]{36}$/),
    ]);
    for (const sagaId of sagaIds) {
      await expect(sagas.waitFor(sagaId, 15_000)).resolves.toMatchObject({ status: 'completed' });
    }
    const summary = await sagas.get(sagaIds[0]!);
    expect(summary).toMatchObject({
      type: repairLeafSaga.type,
      resourceKey: 'leaf/leaf1',
      input: { leaf: 'leaf1', requestedBy: 'ops:oncall', reason: 'drift seen on the dashboard' },
    });
    expect(await drift.drift()).toEqual([]);
    const intended = await intendedFabricState(network.aggregates, tenantDevices);
    const actual = await fabric.snapshot();
    expect(actual['leaf1']).toEqual(intended['leaf1']);
    expect(actual['leaf3']).toEqual(intended['leaf3']);

    // Nothing left to repair: no saga is started.
    expect(await repair()).toEqual({
      repairId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sagaIds: [],
      unreachable: [],
    });
  });

  it('reports a device it cannot read as unreachable instead of as drift-free', async () => {
    await fabric.setUnreachable('leaf4');
    try {
      await expect(drift.report()).resolves.toEqual({ differences: [], unreachable: ['leaf4'] });
      await expect(drift.drift()).rejects.toBeInstanceOf(DeviceUnreachableError);
    } finally {
      await fabric.restore('leaf4');
    }
  });

  it('fails the repair, saying why, when a VRF to recreate still carries intended bindings', async () => {
    const { routing } = await identities();
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      vrfs: state.vrfs.map((vrf) => ({ ...vrf, rd: '65000:1' })),
    }));
    const { sagaIds } = await repair();
    expect(sagaIds).toHaveLength(1);
    const outcome = await sagas.waitFor(sagaIds[0]!, 15_000);
    // RepairIncompleteError: a person must act, a failed precondition rather than a bug.
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { kind: 'step-failed', step: 'converge', errorKind: 'failed-precondition' },
    });
    expect(outcome.status === 'failed' ? outcome.message : '').toContain('recreate it by hand');
    expect(await drift.drift()).toEqual([
      {
        kind: 'different',
        device: 'leaf1',
        item: { type: 'vrf', vrf: routing.vrfName },
        fields: [{ field: 'rd', intended: routing.routeDistinguisher, actual: '65000:1' }],
      },
    ]);
  });

  it('undoes a repair that fails half-way: the leaf is exactly as the repair found it', async () => {
    await fabric.tamper('leaf1', () => ({ vrfs: [], l2Vnis: [], prefixes: [] }));
    const before = await fabric.snapshot();
    // The VRF comes back, then binding the ports is refused.
    const fault = await fabric.injectFault({
      effect: 'fail',
      device: 'leaf1',
      operationKind: 'bindL2Vni',
    });
    try {
      const { sagaIds } = await repair();
      const outcome = await sagas.waitFor(sagaIds[0]!, 15_000);
      // The device's refusal (an injected fault) as its typed kind, not as text.
      expect(outcome).toMatchObject({
        status: 'failed',
        error: { kind: 'step-failed', step: 'converge', errorKind: 'unavailable' },
      });
      expect(await fabric.snapshot()).toEqual(before);
    } finally {
      await fabric.clearFault(fault);
    }
    const { sagaIds } = await repair();
    await expect(sagas.waitFor(sagaIds[0]!, 15_000)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(await drift.drift()).toEqual([]);
  });

  it('refuses a repair without a reason or naming an unknown device, writing nothing', async () => {
    const head = async () =>
      (
        await database.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM event_store.events',
        )
      ).rows[0]?.n;
    const before = await head();
    for (const [request, field] of [
      [{ reason: '  ' }, 'reason'],
      [{ reason: 'x'.repeat(501) }, 'reason'],
      [{ reason: 'a reason', devices: ['leaf1', 'spine1'] }, 'devices'],
      [{ reason: 'a reason', devices: ['nowhere'] }, 'devices'],
    ] as const) {
      await expect(drift.repair(request, oncall)).rejects.toMatchObject({
        kind: 'invalid-argument',
        violations: [expect.objectContaining({ field })],
      });
    }
    expect(await head()).toBe(before);
  });

  it('records the repair as an operator action: who, why, the drift found, its sagas, one commit', async () => {
    await fabric.tamper('leaf2', (state) => ({
      ...state,
      vrfs: [...state.vrfs, { ...rogueVrf, name: 'stray' }],
    }));
    await fabric.tamper('leaf3', (state) => ({
      ...state,
      vrfs: [...state.vrfs, { ...rogueVrf, name: 'stray' }],
    }));
    // Only the device named: leaf3 keeps its drift.
    const { repairId, sagaIds } = await repair('stray VRF after a line card swap', ['leaf2']);
    expect(sagaIds).toEqual([expect.stringMatching(/^repair-leaf2-/)]);
    const [recorded] = await store.readStream(streams.fabricRepair(repairId));
    expect(recorded).toMatchObject({
      type: 'FabricRepairRequested',
      data: {
        repairId,
        requestedBy: 'ops:oncall',
        reason: 'stray VRF after a line card swap',
        requestedDevices: ['leaf2'],
        devices: ['leaf2'],
        drift: [{ kind: 'unexpected', device: 'leaf2', item: { type: 'vrf', vrf: 'stray' } }],
        sagaIds,
        unreachable: [],
      },
      metadata: expect.objectContaining({
        actor: 'ops:oncall',
        correlationId: repairId,
        method: '/loom.v1.FabricService/RepairFabricDrift',
      }),
    });
    // Its fabric work in the same commit, so the dispatcher starts it even after a crash.
    const { rows: commit } = await database.pool.query<{ type: string; data: unknown }>(
      `SELECT event_type AS type, data FROM event_store.events
       WHERE metadata->>'correlationId' = $1 ORDER BY global_position`,
      [repairId],
    );
    expect(commit.map((event) => event.type)).toEqual([
      'FabricRepairRequested',
      'FabricWorkRequested',
    ]);
    expect(commit[1]?.data).toMatchObject({ sagaId: sagaIds[0], sagaType: 'repair-leaf' });
    await expect(sagas.waitFor(sagaIds[0]!, 15_000)).resolves.toMatchObject({
      status: 'completed',
    });
    expect(await sagas.get(sagaIds[0]!)).toMatchObject({
      input: { leaf: 'leaf2', reason: 'stray VRF after a line card swap', repairId },
    });
    expect((await drift.drift()).map((difference) => difference.device)).toEqual(['leaf3']);
    await repair('the rest of the stray VRFs');
  });
});
