import type { PostgresEventStore } from '@loom/event-store';
import {
  SimulatedFabric,
  type DeviceState,
  type FabricOperation,
  type OperationKind,
} from '@loom/fabric';
import { createLogger } from '@loom/logging';
import { sagaMigrations, Sagas, SagaWorker } from '@loom/sagas';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import type { QosFabricInput, QosFabricLimits } from './qos-fabric.input';
import { applyQosPolicySaga, qosPolicyResourceKey } from './qos-fabric.saga-types';
import { qosFabricSagas } from './qos-fabric.sagas';
import type { QosAttachment } from './qos-policy.events';

const devices = ['leaf1', 'leaf2', 'gw1', 'gw2'];
const policy = 'tenants/acme/qosPolicies/gold';
const tenMbit = { rateKbps: 10_000, burstBytes: 15_000 };
const hundredMbit = { rateKbps: 100_000, burstBytes: 125_000 };

const portOn = (leaf: string, port: string, address: string): QosAttachment => ({
  resource: `tenants/acme/vpcs/blue/subnets/web/ports/${port}`,
  placement: { kind: 'port', leaf, interface: 'swp1', vlan: 100, address },
});
const vm1 = portOn('leaf1', 'vm1', '10.0.1.5');
const vm2 = portOn('leaf1', 'vm2', '10.0.1.6');
const vm3 = portOn('leaf2', 'vm3', '10.0.1.7');
const web: QosAttachment = {
  resource: 'tenants/acme/floatingIps/web',
  placement: {
    kind: 'floatingIp',
    externalNetwork: 'internet',
    nodes: ['gw1', 'gw2'],
    vrf: 'blue',
    publicAddress: '203.0.113.7',
  },
};

/** The steps of apply-qos-policy, each with the operation kinds it runs. */
const steps: [string, OperationKind[], string[]][] = [
  ['shape-ports', ['shapePort', 'unshapePort'], ['leaf1', 'leaf2']],
  ['shape-floating-ips', ['shapeFloatingIp', 'unshapeFloatingIp'], ['gw1', 'gw2']],
];

/**
 * apply-qos-policy on a simulated fabric: ports on two leaves and a floating IP on both gateway
 * nodes shaped, their limits changed and removed, and a fault injected at every step on every
 * device leaving every device exactly as before, with the saga failed (its Operation's error).
 */
describe('apply-qos-policy saga', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let fabric: SimulatedFabric;
  let sagas: Sagas;
  let worker: SagaWorker;
  let sagaCount = 0;

  const submit = async (device: string, operation: FabricOperation) => {
    const id = await fabric.submit(device, operation, `setup-${device}-${Math.random()}`);
    expect(await fabric.await(id, 1000)).toMatchObject({ status: 'succeeded' });
  };

  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: sagaMigrations });
    ({ database, store } = postgres);
    fabric = new SimulatedFabric();
    const definitions = qosFabricSagas({
      driver: fabric,
      deviceTimeoutMs: 1000,
      retry: { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10 },
    });
    sagas = new Sagas({ pool: database.pool, store, definitions, waitPollIntervalMs: 10 });
    worker = new SagaWorker({
      pool: database.pool,
      store,
      definitions,
      leaseMs: 2000,
      pollIntervalMs: 10,
      logger: createLogger('silent'),
    });
    worker.start();
    const vrf: FabricOperation = {
      kind: 'createVrf',
      vrf: 'blue',
      l3Vni: 50001,
      rd: '65000:50001',
      importRts: ['65000:50001'],
      exportRts: ['65000:50001'],
    };
    for (const leaf of ['leaf1', 'leaf2']) {
      await submit(leaf, vrf);
      await submit(leaf, {
        kind: 'bindL2Vni',
        l2Vni: 100001,
        vrf: 'blue',
        vlan: 100,
        interface: 'swp1',
        anycastGateway: '10.0.1.1/24',
        gatewayMac: '00:00:5e:00:01:01',
      });
    }
    for (const node of ['gw1', 'gw2']) {
      await submit(node, vrf);
      await submit(node, {
        kind: 'addTransferLink',
        vrf: 'blue',
        vrfAddress: '172.16.0.0/31',
        gatewayAddress: '172.16.0.1/31',
      });
      await submit(node, {
        kind: 'addDnat',
        vrf: 'blue',
        publicAddress: '203.0.113.7',
        privateAddress: '10.0.1.5',
      });
    }
  });
  afterAll(async () => {
    await worker.stop();
    sagas.close();
    await postgres.close();
  });

  const states = async (): Promise<Record<string, DeviceState>> =>
    Object.fromEntries(
      await Promise.all(
        devices.map(async (device) => [device, await fabric.readState(device)] as const),
      ),
    );

  async function run(input: QosFabricInput) {
    sagaCount += 1;
    const sagaId = `qos-saga-${sagaCount}`;
    await sagas.start(applyQosPolicySaga, sagaId, qosPolicyResourceKey(policy), input);
    return sagas.waitFor(sagaId, 20_000);
  }

  const change = (
    kind: QosFabricInput['change'],
    attachments: QosAttachment[],
    from: QosFabricLimits | null,
    to: QosFabricLimits | null,
  ): QosFabricInput => ({
    operation: 'tenants/acme/operations/qos',
    resource: policy,
    change: kind,
    attachments,
    from,
    to,
  });

  /** A fault at every step the input runs, on every device it touches: all as before, failed. */
  async function faultAtEveryStep(input: QosFabricInput): Promise<void> {
    const touched = new Set(
      input.attachments.flatMap((attachment) =>
        attachment.placement.kind === 'port'
          ? [attachment.placement.leaf]
          : attachment.placement.nodes,
      ),
    );
    let faults = 0;
    for (const [step, kinds, stepDevices] of steps) {
      for (const device of stepDevices.filter((candidate) => touched.has(candidate))) {
        const before = await states();
        const kind = (input.to ? kinds[0] : kinds[1]) as OperationKind;
        // Every attempt of the step's action fails there (two, as configured), its compensation not.
        const fault = await fabric.injectFault({
          effect: 'fail',
          device,
          operationKind: kind,
          times: 2,
        });
        const outcome = await run(input);
        await fabric.clearFault(fault);
        faults += 1;
        expect({ step, device, outcome: outcome.status }).toEqual({
          step,
          device,
          outcome: 'failed',
        });
        if (outcome.status === 'failed') {
          expect(outcome.error).toMatchObject({ kind: 'step-failed', step });
        }
        expect({ step, device, states: await states() }).toEqual({ step, device, states: before });
      }
    }
    expect(faults).toBeGreaterThan(0);
  }

  const shaping = async (device: string) => (await fabric.readState(device)).shaping;
  const both = (limits: QosFabricLimits) => ({ ingress: limits.ingress, egress: limits.egress });

  it('attaches to ports on two leaves and a floating IP on both nodes, a fault at any step undoing it everywhere', async () => {
    const limits = { ingress: tenMbit, egress: null };
    const attach = change('attach', [vm1, vm3, web], null, limits);
    await faultAtEveryStep(attach);
    expect(await run(attach)).toMatchObject({ status: 'completed' });
    expect(await shaping('leaf1')).toEqual({
      ports: [{ interface: 'swp1', vlan: 100, address: '10.0.1.5', ...both(limits) }],
      floatingIps: [],
    });
    expect(await shaping('leaf2')).toMatchObject({ ports: [{ address: '10.0.1.7' }] });
    for (const node of ['gw1', 'gw2']) {
      expect(await shaping(node)).toEqual({
        ports: [],
        floatingIps: [{ vrf: 'blue', publicAddress: '203.0.113.7', ...both(limits) }],
      });
    }
  });

  it('changes the limits of every attachment in place, a fault at any step putting the old ones back', async () => {
    const before = { ingress: tenMbit, egress: null };
    const after = { ingress: hundredMbit, egress: tenMbit };
    const attachSecond = change('attach', [vm2], null, before);
    expect(await run(attachSecond)).toMatchObject({ status: 'completed' });
    const limits = change('limits', [vm1, vm2, vm3, web], before, after);
    await faultAtEveryStep(limits);
    expect(await run(limits)).toMatchObject({ status: 'completed' });
    for (const device of devices) {
      const shaped = await shaping(device);
      for (const entry of [...(shaped?.ports ?? []), ...(shaped?.floatingIps ?? [])]) {
        expect({ device, entry }).toMatchObject({ device, entry: both(after) });
      }
    }
    expect((await shaping('leaf1'))?.ports).toHaveLength(2);
  });

  it('detaches, a fault at any step reshaping what it had removed', async () => {
    const limits = { ingress: hundredMbit, egress: tenMbit };
    for (const attachment of [vm2, vm1, vm3, web]) {
      const detach = change('detach', [attachment], limits, null);
      await faultAtEveryStep(detach);
      expect(await run(detach)).toMatchObject({ status: 'completed' });
    }
    for (const device of devices) expect(await shaping(device)).toBeUndefined();
  });
});
