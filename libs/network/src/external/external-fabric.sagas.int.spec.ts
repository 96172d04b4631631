import type { PostgresEventStore } from '@loom/event-store';
import { SimulatedFabric, type DeviceState, type OperationKind } from '@loom/fabric';
import { createLogger } from '@loom/logging';
import { sagaMigrations, Sagas, SagaWorker, type SagaType } from '@loom/sagas';
import type { TestDatabase } from '../../../../test/support/test-database';
import { openTestEventStore, type TestEventStore } from '../../../../test/support/test-event-store';
import { vpcRouting } from '../vpcs/vpc-routing';
import type {
  ExternalGatewayFabricInput,
  FloatingIpFabricInput,
  FloatingIpTarget,
} from './external-fabric.input';
import {
  applyFloatingIpSaga,
  clearExternalGatewaySaga,
  externalNetworkResourceKey,
  setExternalGatewaySaga,
} from './external-fabric.saga-types';
import { externalFabricSagas } from './external-fabric.sagas';

const nodes = ['gw1', 'gw2'];
const gatewayNodes = { externalNetwork: 'internet', nodes };

function gatewayInput(
  tenant: string,
  l3Vni: number,
  block: number,
  snat: string,
): ExternalGatewayFabricInput {
  return {
    operation: `tenants/${tenant}/operations/op-${l3Vni}`,
    gateway: `tenants/${tenant}/vpcs/blue/externalGateway`,
    gatewayNodes,
    routing: vpcRouting(l3Vni, 65000),
    transfer: {
      vrfAddress: `172.16.0.${2 * block}/31`,
      gatewayAddress: `172.16.0.${2 * block + 1}/31`,
    },
    snatAddress: snat,
  };
}

/** The steps of each saga, with the one operation kind each runs on every node. */
const setSteps: [string, OperationKind][] = [
  ['add-vrf', 'createVrf'],
  ['add-bgp-evpn', 'configureBgpEvpn'],
  ['add-transfer-link', 'addTransferLink'],
  ['add-default-route', 'addDefaultRoute'],
  ['add-snat', 'addSnat'],
  ['add-snat-announcement', 'announceUpstream'],
];
const clearSteps: [string, OperationKind][] = [
  ['remove-snat-announcement', 'withdrawUpstream'],
  ['remove-snat', 'removeSnat'],
  ['remove-default-route', 'removeDefaultRoute'],
  ['remove-transfer-link', 'removeTransferLink'],
  ['remove-bgp-evpn', 'removeBgpEvpn'],
  ['remove-vrf', 'deleteVrf'],
];

/**
 * The external network's sagas on a simulated fabric's two gateway nodes: what each leaves on
 * both nodes, and a fault injected at every step on either node leaving both exactly as before,
 * with the saga failed (the error its Operation gets).
 */
describe('external gateway and floating IP sagas', () => {
  let postgres: TestEventStore;
  let database: TestDatabase;
  let store: PostgresEventStore;
  let fabric: SimulatedFabric;
  let sagas: Sagas;
  let worker: SagaWorker;
  let sagaCount = 0;

  beforeAll(async () => {
    postgres = await openTestEventStore({ migrations: sagaMigrations });
    ({ database, store } = postgres);
    fabric = new SimulatedFabric();
    const definitions = externalFabricSagas({
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
  });
  afterAll(async () => {
    await worker.stop();
    sagas.close();
    await postgres.close();
  });

  const gatewayStates = async (): Promise<Record<string, DeviceState>> =>
    Object.fromEntries(
      await Promise.all(nodes.map(async (node) => [node, await fabric.readState(node)] as const)),
    );

  async function run<Input>(saga: SagaType<Input>, input: Input) {
    sagaCount += 1;
    const sagaId = `saga-${sagaCount}`;
    await sagas.start(saga, sagaId, externalNetworkResourceKey('internet'), input);
    return sagas.waitFor(sagaId, 20_000);
  }

  /** Every step, on each node, failing: the saga fails and both nodes are as before. */
  async function faultAtEveryStep<Input>(
    saga: SagaType<Input>,
    input: Input,
    steps: readonly [string, OperationKind][],
  ): Promise<void> {
    for (const [step, kind] of steps) {
      for (const node of nodes) {
        const before = await gatewayStates();
        // Every attempt of the step's action fails (two, as configured), its compensation not.
        const fault = await fabric.injectFault({
          effect: 'fail',
          device: node,
          operationKind: kind,
          times: 2,
        });
        const outcome = await run(saga, input);
        await fabric.clearFault(fault);
        expect({ step, node, outcome: outcome.status }).toEqual({ step, node, outcome: 'failed' });
        if (outcome.status === 'failed') {
          expect(outcome.error).toMatchObject({ kind: 'step-failed', step });
        }
        expect({ step, node, states: await gatewayStates() }).toEqual({
          step,
          node,
          states: before,
        });
      }
    }
  }

  const red = gatewayInput('acme', 50001, 0, '203.0.113.1');
  const green = gatewayInput('globex', 50002, 1, '203.0.113.2');

  it('sets a gateway on both nodes, a fault at any step undoing it on both', async () => {
    await faultAtEveryStep(setExternalGatewaySaga, red, setSteps);
    expect(await run(setExternalGatewaySaga, red)).toMatchObject({ status: 'completed' });
    expect(await run(setExternalGatewaySaga, green)).toMatchObject({ status: 'completed' });
    for (const node of nodes) {
      const state = await fabric.readState(node);
      expect(state.vrfs.map((vrf) => [vrf.name, vrf.bgpEvpn])).toEqual([
        ['vrf50001', true],
        ['vrf50002', true],
      ]);
      expect(state.gateway).toEqual({
        transferLinks: [
          { vrf: 'vrf50001', vrfAddress: '172.16.0.0/31', gatewayAddress: '172.16.0.1/31' },
          { vrf: 'vrf50002', vrfAddress: '172.16.0.2/31', gatewayAddress: '172.16.0.3/31' },
        ],
        defaultRoutes: [
          { vrf: 'vrf50001', nextHop: '172.16.0.1' },
          { vrf: 'vrf50002', nextHop: '172.16.0.3' },
        ],
        snatRules: [
          { vrf: 'vrf50001', publicAddress: '203.0.113.1' },
          { vrf: 'vrf50002', publicAddress: '203.0.113.2' },
        ],
        dnatRules: [],
        upstreamPrefixes: ['203.0.113.1/32', '203.0.113.2/32'],
      });
    }
  });

  it('associates, moves and disassociates a floating IP on both nodes, a fault at any step undoing it', async () => {
    // Two tenants with the same private address: each translation names its own VRF.
    const vm1: FloatingIpTarget = { vrf: 'vrf50001', privateAddress: '10.0.1.5' };
    const vm2: FloatingIpTarget = { vrf: 'vrf50002', privateAddress: '10.0.1.5' };
    const change = (
      from: FloatingIpTarget | null,
      to: FloatingIpTarget | null,
    ): FloatingIpFabricInput => ({
      operation: 'tenants/acme/operations/fip',
      floatingIp: 'tenants/acme/floatingIps/web',
      gatewayNodes,
      publicAddress: '198.51.100.7',
      from,
      to,
    });
    const holds = async (target: FloatingIpTarget | null) => {
      for (const node of nodes) {
        const gateway = (await fabric.readState(node)).gateway;
        expect({
          node,
          dnat: gateway?.dnatRules,
          announced: gateway?.upstreamPrefixes.includes('198.51.100.7/32'),
        }).toEqual({
          node,
          dnat: target ? [{ ...target, publicAddress: '198.51.100.7' }] : [],
          announced: target !== null,
        });
      }
    };
    const associate = change(null, vm1);
    await faultAtEveryStep(applyFloatingIpSaga, associate, [
      ['add-new-dnat', 'addDnat'],
      ['announce-new', 'announceUpstream'],
    ]);
    expect(await run(applyFloatingIpSaga, associate)).toMatchObject({ status: 'completed' });
    await holds(vm1);
    const move = change(vm1, vm2);
    await faultAtEveryStep(applyFloatingIpSaga, move, [
      ['withdraw-old', 'withdrawUpstream'],
      ['remove-old-dnat', 'removeDnat'],
      ['add-new-dnat', 'addDnat'],
      ['announce-new', 'announceUpstream'],
    ]);
    await holds(vm1);
    expect(await run(applyFloatingIpSaga, move)).toMatchObject({ status: 'completed' });
    await holds(vm2);
    const disassociate = change(vm2, null);
    await faultAtEveryStep(applyFloatingIpSaga, disassociate, [
      ['withdraw-old', 'withdrawUpstream'],
      ['remove-old-dnat', 'removeDnat'],
    ]);
    expect(await run(applyFloatingIpSaga, disassociate)).toMatchObject({ status: 'completed' });
    await holds(null);
  });

  it('clears a gateway from both nodes, a fault at any step putting it back on both', async () => {
    const before = await fabric.readState('gw1');
    await faultAtEveryStep(clearExternalGatewaySaga, red, clearSteps);
    expect(await fabric.readState('gw1')).toEqual(before);
    expect(await run(clearExternalGatewaySaga, red)).toMatchObject({ status: 'completed' });
    expect(await run(clearExternalGatewaySaga, green)).toMatchObject({ status: 'completed' });
    for (const node of nodes) {
      expect(await fabric.readState(node)).toEqual({ vrfs: [], l2Vnis: [], prefixes: [] });
    }
  });
});
