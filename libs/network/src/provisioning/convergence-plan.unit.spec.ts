import fc from 'fast-check';
import {
  applyOperation,
  diffFabric,
  emptyDeviceState,
  findDevice,
  type DeviceState,
  type FabricOperation,
} from '@loom/fabric';
import { bindL2Vni, createVrf, operationArbitrary, smallTopology } from '@loom/fabric/testing';
import { convergencePlan } from './convergence-plan';

const leaf = findDevice(smallTopology, 'leaf1')!;

/** Applies what the device accepts: random sequences build real (and odd) configuration. */
function settle(operations: readonly FabricOperation[], from = emptyDeviceState): DeviceState {
  return operations.reduce((state, operation) => {
    const result = applyOperation(leaf, state, operation);
    return result.status === 'changed' ? result.state : state;
  }, from);
}

/** Applies every operation of a plan; each must be accepted. */
function applyAll(state: DeviceState, operations: readonly FabricOperation[]): DeviceState {
  return operations.reduce((current, operation) => {
    const result = applyOperation(leaf, current, operation);
    if (result.status === 'failed') {
      throw new Error(`${JSON.stringify(operation)} refused: ${result.message}`);
    }
    return result.status === 'changed' ? result.state : current;
  }, state);
}

const red = createVrf('red', 50001);
const web = bindL2Vni(100001, 'red', 10, 'swp1');

describe('convergencePlan', () => {
  it('plans nothing for a device that matches the intent', () => {
    const state = settle([red, { kind: 'configureBgpEvpn', vrf: 'red' }, web]);
    expect(convergencePlan(state, state)).toEqual({ operations: [], unresolved: [] });
  });

  it("moves an access port whose VLAN was changed behind Loom's back back to its own", () => {
    const db = bindL2Vni(100002, 'red', 11, 'swp2');
    const bareMetal = { ...web, interface: 'swp4', untagged: true };
    const base = [red, { kind: 'configureBgpEvpn', vrf: 'red' } as const, web, db];
    const intended = settle([...base, bareMetal]);
    const actual = settle([...base, { ...db, interface: 'swp4', untagged: true }]);
    expect(diffFabric({ leaf1: intended }, { leaf1: actual })).toEqual([
      {
        kind: 'missing',
        device: 'leaf1',
        item: { type: 'l2Vni-interface', l2Vni: 100001, interface: 'swp4', untagged: true },
      },
      {
        kind: 'unexpected',
        device: 'leaf1',
        item: { type: 'l2Vni-interface', l2Vni: 100002, interface: 'swp4', untagged: true },
      },
    ]);
    const plan = convergencePlan(intended, actual);
    expect(plan.operations).toEqual([
      { kind: 'unbindL2Vni', l2Vni: 100002, vlan: 11, interface: 'swp4', untagged: true },
      bareMetal,
    ]);
    expect(applyAll(actual, plan.operations)).toEqual(intended);
  });

  it('removes before it creates: bindings, BGP EVPN and VRFs first, then VRFs, BGP EVPN, bindings', () => {
    const intended = settle([red, { kind: 'configureBgpEvpn', vrf: 'red' }, web]);
    const actual = settle([
      createVrf('rogue', 50002),
      { kind: 'configureBgpEvpn', vrf: 'rogue' },
      bindL2Vni(100002, 'rogue', 10, 'swp3'),
    ]);
    const plan = convergencePlan(intended, actual);
    expect(plan.operations.map((operation) => operation.kind)).toEqual([
      'unbindL2Vni',
      'removeBgpEvpn',
      'deleteVrf',
      'createVrf',
      'configureBgpEvpn',
      'bindL2Vni',
    ]);
    expect(applyAll(actual, plan.operations)).toEqual(intended);
  });

  it('recreates a VRF with another identity when nothing intended is bound in it', () => {
    const intended = settle([red, { kind: 'configureBgpEvpn', vrf: 'red' }]);
    const actual = settle([createVrf('red', 50001, 7), { kind: 'configureBgpEvpn', vrf: 'red' }]);
    const plan = convergencePlan(intended, actual);
    expect(plan.unresolved).toEqual([]);
    expect(applyAll(actual, plan.operations)).toEqual(intended);
  });

  it('leaves a VRF with another identity alone while intended bindings use it, and says so', () => {
    const intended = settle([red, { kind: 'configureBgpEvpn', vrf: 'red' }, web]);
    const actual = settle([createVrf('red', 50001, 7), web]);
    const plan = convergencePlan(intended, actual);
    expect(plan.operations).toEqual([{ kind: 'configureBgpEvpn', vrf: 'red' }]);
    expect(plan.unresolved).toEqual([expect.stringContaining('vrf red')]);
  });

  it('rebinds an L2 VNI whose settings differ, on the intended VLAN', () => {
    const intended = settle([red, web]);
    const actual = settle([red, { ...web, vlan: 20 }, { ...web, vlan: 20, interface: 'swp2' }]);
    const plan = convergencePlan(intended, actual);
    expect(plan.operations).toEqual([
      { kind: 'unbindL2Vni', l2Vni: 100001, vlan: 20, interface: 'swp1' },
      { kind: 'unbindL2Vni', l2Vni: 100001, vlan: 20, interface: 'swp2' },
      web,
    ]);
    expect(applyAll(actual, plan.operations)).toEqual(intended);
  });

  it('converges any device to any intent it accepts, unless it reports what it left', () => {
    let converged = 0;
    fc.assert(
      fc.property(
        fc.array(operationArbitrary, { maxLength: 40 }),
        fc.array(operationArbitrary, { maxLength: 40 }),
        (intentOperations, actualOperations) => {
          const intended = settle(intentOperations);
          const actual = settle(actualOperations);
          const plan = convergencePlan(intended, actual);
          if (plan.unresolved.length > 0) return;
          const result = applyAll(actual, plan.operations);
          expect(diffFabric({ leaf1: intended }, { leaf1: result })).toEqual([]);
          // Idempotent: a second plan on the converged device does nothing.
          expect(convergencePlan(intended, result).operations).toEqual([]);
          converged += 1;
        },
      ),
      { numRuns: 500 },
    );
    // Most random pairs must converge, or the property says little.
    expect(converged).toBeGreaterThan(300);
  });
});
