import type { LeafVlansState, PortOnLeaf } from '../pools/leaf-vlans.decider';
import { otherPortsOfSubnetOnInterface } from './leaf-intent';

const on = (switchInterface: string): PortOnLeaf => ({
  owner: 'op',
  interface: switchInterface,
  untagged: false,
});

const subnetA = 'vpcs/v1/subnets/a';
const subnetB = 'vpcs/v1/subnets/b';

describe('otherPortsOfSubnetOnInterface', () => {
  it('names the ports that share the binding: same subnet, interface and VLAN', () => {
    const state: LeafVlansState = {
      vlans: new Map([
        [
          2,
          {
            subnet: subnetA,
            ports: new Map([
              ['p1', on('swp1')],
              ['p2', on('swp1')],
              ['p3', on('swp2')],
            ]),
          },
        ],
      ]),
    };
    const binding = { subnet: subnetA, interface: 'swp1', vlan: 2 };
    expect(otherPortsOfSubnetOnInterface(state, binding, 'p1')).toEqual(['p2']);
  });

  it('does not keep a released VLAN binding for a port of the subnet that came back on another VLAN', () => {
    // p1 (subnet a, VLAN 2) was deleted; VLAN 2 went to subnet b, and p4 of subnet a came back
    // on the same interface with VLAN 3. Deprovisioning p1 must unbind VLAN 2 from a's L2 VNI.
    const state: LeafVlansState = {
      vlans: new Map([
        [2, { subnet: subnetB, ports: new Map([['p5', on('swp1')]]) }],
        [3, { subnet: subnetA, ports: new Map([['p4', on('swp1')]]) }],
      ]),
    };
    const binding = { subnet: subnetA, interface: 'swp1', vlan: 2 };
    expect(otherPortsOfSubnetOnInterface(state, binding, 'p1')).toEqual([]);
  });
});
