import fc from 'fast-check';
import {
  applyOperation,
  defaultCapacity,
  emptyDeviceState,
  type DeviceState,
  type FabricDevice,
  type FabricOperation,
} from '@loom/fabric';
import { convergencePlan } from './convergence-plan';

const node: FabricDevice = {
  name: 'gw1',
  role: 'gateway',
  loopback: '10.254.0.21',
  asn: 65301,
  interfaces: ['swp1'],
  capacity: defaultCapacity,
};

const vrf = fc.constantFrom('red', 'blue');
const link = fc.integer({ min: 0, max: 2 });
const publicAddress = fc.constantFrom('203.0.113.5', '203.0.113.6', '198.51.100.7');

/** Gateway configuration over a small universe, so that intents and drift collide. */
const operation: fc.Arbitrary<FabricOperation> = fc.oneof(
  vrf.map((name): FabricOperation => {
    const l3Vni = name === 'red' ? 50001 : 50002;
    const rts = [`65000:${l3Vni}`];
    return {
      kind: 'createVrf',
      vrf: name,
      l3Vni,
      rd: `65000:${l3Vni}`,
      importRts: rts,
      exportRts: rts,
    };
  }),
  vrf.map((name): FabricOperation => ({ kind: 'configureBgpEvpn', vrf: name })),
  fc.record({ vrf, index: link }).map(({ vrf: name, index }): FabricOperation => ({
    kind: 'addTransferLink',
    vrf: name,
    vrfAddress: `172.16.0.${2 * index}/31`,
    gatewayAddress: `172.16.0.${2 * index + 1}/31`,
  })),
  fc.record({ vrf, index: link }).map(({ vrf: name, index }): FabricOperation => ({
    kind: 'addDefaultRoute',
    vrf: name,
    nextHop: `172.16.0.${2 * index + 1}`,
  })),
  fc
    .record({ vrf, publicAddress })
    .map((fields): FabricOperation => ({ kind: 'addSnat', ...fields })),
  fc
    .record({ vrf, publicAddress, privateAddress: fc.constantFrom('10.0.1.5', '10.0.1.6') })
    .map((fields): FabricOperation => ({ kind: 'addDnat', ...fields })),
  publicAddress.map((address): FabricOperation => ({
    kind: 'announceUpstream',
    prefix: `${address}/32`,
  })),
);

function settle(operations: readonly FabricOperation[]): DeviceState {
  return operations.reduce((state, next) => {
    const result = applyOperation(node, state, next);
    return result.status === 'changed' ? result.state : state;
  }, emptyDeviceState);
}

describe('convergence on a gateway node', () => {
  it('takes any gateway state to any other, every operation accepted', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 30 }),
        fc.array(operation, { maxLength: 30 }),
        (intendedOps, actualOps) => {
          const intended = settle(intendedOps);
          const actual = settle(actualOps);
          const plan = convergencePlan(intended, actual);
          const converged = plan.operations.reduce((state, next) => {
            const result = applyOperation(node, state, next);
            if (result.status === 'failed') {
              throw new Error(`${JSON.stringify(next)} refused: ${result.message}`);
            }
            return result.status === 'changed' ? result.state : state;
          }, actual);
          expect(plan.unresolved).toEqual([]);
          expect(converged).toEqual(intended);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("puts back a NAT rule removed behind Loom's back, withdrawing nothing else", () => {
    const intended = settle([
      {
        kind: 'createVrf',
        vrf: 'red',
        l3Vni: 50001,
        rd: '65000:50001',
        importRts: [],
        exportRts: [],
      },
      { kind: 'configureBgpEvpn', vrf: 'red' },
      {
        kind: 'addTransferLink',
        vrf: 'red',
        vrfAddress: '172.16.0.0/31',
        gatewayAddress: '172.16.0.1/31',
      },
      { kind: 'addSnat', vrf: 'red', publicAddress: '203.0.113.5' },
      { kind: 'addDnat', vrf: 'red', publicAddress: '198.51.100.7', privateAddress: '10.0.1.5' },
      { kind: 'announceUpstream', prefix: '203.0.113.5/32' },
    ]);
    const gateway = intended.gateway!;
    const actual: DeviceState = { ...intended, gateway: { ...gateway, dnatRules: [] } };
    expect(convergencePlan(intended, actual).operations).toEqual([
      { kind: 'addDnat', vrf: 'red', publicAddress: '198.51.100.7', privateAddress: '10.0.1.5' },
    ]);
  });
});
