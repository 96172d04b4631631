import fc from 'fast-check';
import type { FabricOperation } from '../operations/fabric-operation';
import { inverseOf } from '../operations/inverse-operation';
import type { FabricDevice } from '../topology/topology';
import { defaultCapacity } from '../topology/topology';
import { applyOperation } from './device-model';
import { emptyDeviceState, type DeviceState } from './fabric-state';

const gateway: FabricDevice = {
  name: 'gw1',
  role: 'gateway',
  loopback: '10.254.0.21',
  asn: 65301,
  interfaces: ['swp1'],
  capacity: defaultCapacity,
};
const leaf: FabricDevice = { ...gateway, name: 'leaf1', role: 'leaf' };

const vrfs = ['red', 'blue'] as const;
const vrf = fc.constantFrom(...vrfs);
const publicAddress = fc.constantFrom('203.0.113.5', '203.0.113.6', '198.51.100.7');
const privateAddress = fc.constantFrom('10.0.1.5', '10.0.1.6');
const linkIndex = fc.integer({ min: 0, max: 2 });

/** Gateway operations over a small universe, so sequences hit conflicts and dependencies. */
const operation: fc.Arbitrary<FabricOperation> = fc.oneof(
  vrf.map((name): FabricOperation => {
    const l3Vni = name === 'red' ? 50001 : 50002;
    return {
      kind: 'createVrf',
      vrf: name,
      l3Vni,
      rd: `65000:${l3Vni}`,
      importRts: [`65000:${l3Vni}`],
      exportRts: [`65000:${l3Vni}`],
    };
  }),
  vrf.map((name): FabricOperation => ({ kind: 'configureBgpEvpn', vrf: name })),
  vrf.map((name): FabricOperation => ({ kind: 'removeBgpEvpn', vrf: name })),
  vrf.map((name): FabricOperation => ({ kind: 'deleteVrf', vrf: name })),
  fc.record({ vrf, index: linkIndex }).map(({ vrf: name, index }): FabricOperation => ({
    kind: 'addTransferLink',
    vrf: name,
    vrfAddress: `172.16.0.${2 * index}/31`,
    gatewayAddress: `172.16.0.${2 * index + 1}/31`,
  })),
  vrf.map((name): FabricOperation => ({ kind: 'removeTransferLink', vrf: name })),
  fc.record({ vrf, index: linkIndex }).map(({ vrf: name, index }): FabricOperation => ({
    kind: 'addDefaultRoute',
    vrf: name,
    nextHop: `172.16.0.${2 * index + 1}`,
  })),
  vrf.map((name): FabricOperation => ({ kind: 'removeDefaultRoute', vrf: name })),
  fc
    .record({ vrf, publicAddress })
    .map((fields): FabricOperation => ({ kind: 'addSnat', ...fields })),
  vrf.map((name): FabricOperation => ({ kind: 'removeSnat', vrf: name })),
  fc
    .record({ vrf, publicAddress, privateAddress })
    .map((fields): FabricOperation => ({ kind: 'addDnat', ...fields })),
  fc
    .record({ vrf, publicAddress })
    .map((fields): FabricOperation => ({ kind: 'removeDnat', ...fields })),
  publicAddress.map((address): FabricOperation => ({
    kind: 'announceUpstream',
    prefix: `${address}/32`,
  })),
  publicAddress.map((address): FabricOperation => ({
    kind: 'withdrawUpstream',
    prefix: `${address}/32`,
  })),
);

function settleInto(state: DeviceState, operations: readonly FabricOperation[]): DeviceState {
  return operations.reduce((current, next) => {
    const result = applyOperation(gateway, current, next);
    return result.status === 'changed' ? result.state : current;
  }, state);
}

describe('gateway node model', () => {
  it('restores the exact state before: inverses of gateway operations in reverse order', () => {
    let undone = 0;
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 40 }),
        fc.array(operation, { minLength: 10, maxLength: 40 }),
        (setup, operations) => {
          const initial = settleInto(emptyDeviceState, setup);
          let state = initial;
          const inverses: FabricOperation[] = [];
          for (const next of operations) {
            const result = applyOperation(gateway, state, next);
            const inverse = inverseOf(next, state);
            if (result.status === 'changed') {
              expect(inverse).toBeDefined();
              inverses.push(inverse!);
              state = result.state;
            } else if (result.status === 'unchanged') {
              expect(inverse).toBeUndefined();
            }
          }
          undone += inverses.length;
          for (const inverse of inverses.reverse()) {
            const result = applyOperation(gateway, state, inverse);
            expect({ inverse, status: result.status }).toEqual({ inverse, status: 'changed' });
            if (result.status === 'changed') state = result.state;
          }
          expect(state).toEqual(initial);
        },
      ),
      { numRuns: 300 },
    );
    expect(undone).toBeGreaterThan(300);
  });

  it('leaves the gateway part out of the state once nothing is on it', () => {
    const state = settleInto(emptyDeviceState, [
      {
        kind: 'createVrf',
        vrf: 'red',
        l3Vni: 50001,
        rd: '65000:50001',
        importRts: ['65000:50001'],
        exportRts: ['65000:50001'],
      },
      {
        kind: 'addTransferLink',
        vrf: 'red',
        vrfAddress: '172.16.0.0/31',
        gatewayAddress: '172.16.0.1/31',
      },
    ]);
    expect(state.gateway?.transferLinks).toHaveLength(1);
    const removed = applyOperation(gateway, state, { kind: 'removeTransferLink', vrf: 'red' });
    expect(removed.status === 'changed' && 'gateway' in removed.state).toBe(false);
  });

  it('refuses gateway operations on a leaf as unsupported', () => {
    expect(
      applyOperation(leaf, emptyDeviceState, {
        kind: 'announceUpstream',
        prefix: '203.0.113.5/32',
      }),
    ).toMatchObject({ status: 'failed', reason: 'unsupported' });
  });
});
