import type { FabricOperation } from '../operations/fabric-operation';
import { bindL2Vni, createVrf, smallTopology } from '../testing/fabric-fixtures';
import { findDevice } from '../topology/topology';
import { applyOperation, type DeviceResult } from './device-model';
import { emptyDeviceState, type DeviceState } from './fabric-state';

const leaf = findDevice(smallTopology, 'leaf1')!;
const spine = findDevice(smallTopology, 'spine1')!;

/** Applies operations in turn; each must change the state. */
function build(...operations: FabricOperation[]): DeviceState {
  return operations.reduce((state, operation) => {
    const result = applyOperation(leaf, state, operation);
    if (result.status !== 'changed')
      throw new Error(`${operation.kind}: ${JSON.stringify(result)}`);
    return result.state;
  }, emptyDeviceState);
}

function failure(result: DeviceResult): string {
  return result.status === 'failed' ? `${result.reason}: ${result.message}` : result.status;
}

const red = createVrf('red', 50001);
const withRed = build(red);
const bound = build(red, bindL2Vni(100001, 'red', 10));

describe('device model', () => {
  it('creates a VRF without BGP EVPN, and an identical create is an unchanged success', () => {
    expect(withRed.vrfs).toEqual([
      {
        name: 'red',
        l3Vni: 50001,
        rd: '10.254.0.1:50001',
        importRts: ['65000:50001'],
        exportRts: ['65000:50001'],
        bgpEvpn: false,
      },
    ]);
    expect(applyOperation(leaf, withRed, red)).toEqual({ status: 'unchanged' });
    // Route targets are a set: order and repeats do not make a different VRF.
    const reordered = { ...red, importRts: ['65000:50001', '65000:50001'] };
    expect(applyOperation(leaf, withRed, reordered)).toEqual({ status: 'unchanged' });
  });

  it('refuses a VRF that collides with a different one, saying with what', () => {
    expect(failure(applyOperation(leaf, withRed, { ...red, l3Vni: 50002 }))).toBe(
      'conflict: VRF red already exists with L3 VNI 50001',
    );
    expect(failure(applyOperation(leaf, withRed, createVrf('blue', 50001, 7)))).toBe(
      'conflict: VNI 50001 is already used by red',
    );
    expect(failure(applyOperation(leaf, withRed, createVrf('blue', 50002, 50001)))).toBe(
      'conflict: RD 10.254.0.1:50001 is already used by VRF red',
    );
    expect(failure(applyOperation(leaf, bound, createVrf('blue', 100001, 7)))).toBe(
      'conflict: VNI 100001 is already used by an L2 VNI',
    );
  });

  it('refuses malformed values and interfaces the device does not have', () => {
    const result = applyOperation(leaf, withRed, {
      ...bindL2Vni(0, 'red', 4095, 'swp9'),
      gatewayMac: '01:00:5e:00:00:01',
    });
    expect(result.status === 'failed' && result.reason).toBe('invalid');
    expect(failure(result)).toContain('L2 VNI 0 is not 1-16777215');
    expect(failure(result)).toContain('VLAN 4095 is not 1-4094');
    expect(failure(result)).toContain('leaf1 has no interface "swp9"');
    expect(failure(result)).toContain('gateway MAC "01:00:5e:00:00:01"');
    expect(failure(applyOperation(leaf, emptyDeviceState, { ...red, rd: 'red:1' }))).toMatch(
      /^invalid: RD "red:1"/,
    );
    expect(
      failure(
        applyOperation(leaf, withRed, {
          kind: 'announcePrefix',
          vrf: 'red',
          prefix: '10.0.0.1/24',
        }),
      ),
    ).toMatch(/^invalid/);
  });

  it('keeps tenant configuration off spines', () => {
    expect(failure(applyOperation(spine, emptyDeviceState, red))).toBe(
      'unsupported: spine1 is a spine and holds no tenant configuration',
    );
  });

  it('deletes only an empty VRF, and deleting an absent one is an unchanged success', () => {
    expect(failure(applyOperation(leaf, bound, { kind: 'deleteVrf', vrf: 'red' }))).toBe(
      'dependency: VRF red still has L2 VNIs bound: 100001',
    );
    const evpn = build(red, { kind: 'configureBgpEvpn', vrf: 'red' });
    expect(failure(applyOperation(leaf, evpn, { kind: 'deleteVrf', vrf: 'red' }))).toBe(
      'dependency: VRF red still has BGP EVPN configured',
    );
    expect(applyOperation(leaf, withRed, { kind: 'deleteVrf', vrf: 'red' })).toEqual({
      status: 'changed',
      state: emptyDeviceState,
    });
    expect(applyOperation(leaf, emptyDeviceState, { kind: 'deleteVrf', vrf: 'red' })).toEqual({
      status: 'unchanged',
    });
  });

  it('configures BGP EVPN on an existing VRF only, and announces prefixes only through it', () => {
    expect(
      failure(applyOperation(leaf, emptyDeviceState, { kind: 'configureBgpEvpn', vrf: 'red' })),
    ).toBe('not-found: VRF red does not exist');
    expect(applyOperation(leaf, emptyDeviceState, { kind: 'removeBgpEvpn', vrf: 'red' })).toEqual({
      status: 'unchanged',
    });
    const announce: FabricOperation = {
      kind: 'announcePrefix',
      vrf: 'red',
      prefix: '203.0.113.7/32',
    };
    expect(failure(applyOperation(leaf, withRed, announce))).toBe(
      'dependency: VRF red has no BGP EVPN to announce through',
    );
    const announced = build(red, { kind: 'configureBgpEvpn', vrf: 'red' }, announce);
    expect(announced.prefixes).toEqual([{ vrf: 'red', prefix: '203.0.113.7/32' }]);
    expect(applyOperation(leaf, announced, announce)).toEqual({ status: 'unchanged' });
    expect(failure(applyOperation(leaf, announced, { kind: 'removeBgpEvpn', vrf: 'red' }))).toBe(
      'dependency: VRF red still announces 203.0.113.7/32',
    );
  });

  it('binds interfaces to an L2 VNI one by one; the L2 VNI goes with the last one', () => {
    const two = build(
      red,
      bindL2Vni(100001, 'red', 10, 'swp2'),
      bindL2Vni(100001, 'red', 10, 'swp1'),
    );
    expect(two.l2Vnis).toEqual([
      {
        l2Vni: 100001,
        vrf: 'red',
        vlan: 10,
        anycastGateway: '10.10.0.1/24',
        gatewayMac: '00:00:5e:00:01:01',
        interfaces: ['swp1', 'swp2'],
      },
    ]);
    expect(applyOperation(leaf, two, bindL2Vni(100001, 'red', 10, 'swp1'))).toEqual({
      status: 'unchanged',
    });
    const unbind = { kind: 'unbindL2Vni', l2Vni: 100001, vlan: 10, interface: 'swp1' } as const;
    const one = applyOperation(leaf, two, unbind);
    expect(one.status === 'changed' && one.state.l2Vnis[0]!.interfaces).toEqual(['swp2']);
    const none = applyOperation(leaf, build(red, bindL2Vni(100001, 'red', 10)), unbind);
    expect(none).toEqual({ status: 'changed', state: withRed });
    expect(applyOperation(leaf, withRed, unbind)).toEqual({ status: 'unchanged' });
    expect(failure(applyOperation(leaf, bound, { ...unbind, vlan: 20 }))).toBe(
      'conflict: L2 VNI 100001 is on VLAN 10, not 20',
    );
  });

  it('refuses bindings that collide with different ones or lack their VRF', () => {
    expect(failure(applyOperation(leaf, emptyDeviceState, bindL2Vni(100001, 'red', 10)))).toBe(
      'not-found: VRF red does not exist',
    );
    expect(failure(applyOperation(leaf, bound, bindL2Vni(100001, 'red', 20)))).toBe(
      'conflict: L2 VNI 100001 is already bound with VLAN 10, gateway 10.10.0.1/24',
    );
    expect(failure(applyOperation(leaf, bound, bindL2Vni(100002, 'red', 10)))).toBe(
      'conflict: VLAN 10 already carries L2 VNI 100001',
    );
    expect(failure(applyOperation(leaf, bound, bindL2Vni(50001, 'red', 20)))).toBe(
      'conflict: VNI 50001 is the L3 VNI of VRF red',
    );
  });
});
