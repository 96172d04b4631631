import { leafVlansDecider, type LeafVlansState } from '../pools/leaf-vlans.decider';
import { otherPortsOfSubnetOnInterface } from './leaf-intent';

const subnetA = 'vpcs/v1/subnets/a';
const subnetB = 'vpcs/v1/subnets/b';

/** A leaf as the binds of [port, subnet, VLAN, interface] leave it. */
function leafWith(binds: [string, string, number, string][]): LeafVlansState {
  return binds.reduce(
    (state, [port, subnet, vlan, switchInterface]) =>
      leafVlansDecider.evolve(state, {
        type: 'LeafVlanBound',
        data: {
          leaf: 'leaf1',
          vlan,
          subnet,
          l2Vni: 100_000,
          port,
          interface: switchInterface,
          owner: 'op',
        },
      }),
    leafVlansDecider.initialState(),
  );
}

describe('otherPortsOfSubnetOnInterface', () => {
  it('names the ports that share the binding: same subnet, interface and VLAN', () => {
    const state = leafWith([
      ['p1', subnetA, 2, 'swp1'],
      ['p2', subnetA, 2, 'swp1'],
      ['p3', subnetA, 2, 'swp2'],
    ]);
    const binding = { subnet: subnetA, interface: 'swp1', vlan: 2 };
    expect(otherPortsOfSubnetOnInterface(state, binding, 'p1')).toEqual(['p2']);
  });

  it('does not keep a released VLAN binding for a port of the subnet that came back on another VLAN', () => {
    // p1 (subnet a, VLAN 2) was deleted; VLAN 2 went to subnet b, and p4 of subnet a came back
    // on the same interface with VLAN 3. Deprovisioning p1 must unbind VLAN 2 from a's L2 VNI.
    const state = leafWith([
      ['p5', subnetB, 2, 'swp1'],
      ['p4', subnetA, 3, 'swp1'],
    ]);
    const binding = { subnet: subnetA, interface: 'swp1', vlan: 2 };
    expect(otherPortsOfSubnetOnInterface(state, binding, 'p1')).toEqual([]);
  });
});
