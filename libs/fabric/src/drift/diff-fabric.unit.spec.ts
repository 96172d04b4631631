import type { DeviceState, FabricState } from '../state/fabric-state';
import { diffFabric } from './diff-fabric';

const red = {
  name: 'red',
  l3Vni: 50001,
  rd: '10.254.0.1:1',
  importRts: ['65000:50001'],
  exportRts: ['65000:50001'],
  bgpEvpn: true,
};
const web = {
  l2Vni: 100001,
  vrf: 'red',
  vlan: 10,
  anycastGateway: '10.0.1.1/24',
  gatewayMac: '00:00:5e:00:01:01',
  interfaces: ['swp1', 'swp2'],
};
const intendedLeaf: DeviceState = {
  vrfs: [red],
  l2Vnis: [web],
  prefixes: [{ vrf: 'red', prefix: '203.0.113.7/32' }],
};

describe('diffFabric', () => {
  it('finds nothing between equal states, whatever their list order or repeated RTs', () => {
    const actual: FabricState = {
      leaf1: {
        ...intendedLeaf,
        vrfs: [{ ...red, importRts: ['65000:50001', '65000:50001'] }],
        l2Vnis: [{ ...web, interfaces: ['swp2', 'swp1'] }],
      },
      spine1: { vrfs: [], l2Vnis: [], prefixes: [] },
    };
    expect(diffFabric({ leaf1: intendedLeaf }, actual)).toEqual([]);
  });

  it('lists missing, unexpected and different items per device, in a stable order', () => {
    const actual: FabricState = {
      leaf1: {
        vrfs: [
          { ...red, rd: '10.254.0.1:9', bgpEvpn: false },
          { ...red, name: 'rogue', l3Vni: 50099, rd: '10.254.0.1:99' },
        ],
        l2Vnis: [{ ...web, vlan: 20, interfaces: ['swp2', 'swp7'] }],
        prefixes: [{ vrf: 'red', prefix: '198.51.100.0/24' }],
      },
    };
    expect(diffFabric({ leaf1: intendedLeaf, leaf2: intendedLeaf }, actual)).toEqual([
      {
        kind: 'different',
        device: 'leaf1',
        item: { type: 'vrf', vrf: 'red' },
        fields: [
          { field: 'rd', intended: '10.254.0.1:1', actual: '10.254.0.1:9' },
          { field: 'bgpEvpn', intended: true, actual: false },
        ],
      },
      { kind: 'unexpected', device: 'leaf1', item: { type: 'vrf', vrf: 'rogue' } },
      {
        kind: 'different',
        device: 'leaf1',
        item: { type: 'l2Vni', l2Vni: 100001 },
        fields: [{ field: 'vlan', intended: 10, actual: 20 }],
      },
      {
        kind: 'missing',
        device: 'leaf1',
        item: { type: 'l2Vni-interface', l2Vni: 100001, interface: 'swp1' },
      },
      {
        kind: 'unexpected',
        device: 'leaf1',
        item: { type: 'l2Vni-interface', l2Vni: 100001, interface: 'swp7' },
      },
      {
        kind: 'unexpected',
        device: 'leaf1',
        item: { type: 'prefix', vrf: 'red', prefix: '198.51.100.0/24' },
      },
      {
        kind: 'missing',
        device: 'leaf1',
        item: { type: 'prefix', vrf: 'red', prefix: '203.0.113.7/32' },
      },
      // A device absent from the actual side counts as empty: everything intended is missing.
      { kind: 'missing', device: 'leaf2', item: { type: 'vrf', vrf: 'red' } },
      { kind: 'missing', device: 'leaf2', item: { type: 'l2Vni', l2Vni: 100001 } },
      {
        kind: 'missing',
        device: 'leaf2',
        item: { type: 'l2Vni-interface', l2Vni: 100001, interface: 'swp1' },
      },
      {
        kind: 'missing',
        device: 'leaf2',
        item: { type: 'l2Vni-interface', l2Vni: 100001, interface: 'swp2' },
      },
      {
        kind: 'missing',
        device: 'leaf2',
        item: { type: 'prefix', vrf: 'red', prefix: '203.0.113.7/32' },
      },
    ]);
  });

  it('reports a route target set that differs, as sorted lists', () => {
    const actual = {
      leaf1: { ...intendedLeaf, vrfs: [{ ...red, exportRts: ['65000:1', '65000:50001'] }] },
    };
    expect(diffFabric({ leaf1: intendedLeaf }, actual)).toEqual([
      {
        kind: 'different',
        device: 'leaf1',
        item: { type: 'vrf', vrf: 'red' },
        fields: [
          { field: 'exportRts', intended: ['65000:50001'], actual: ['65000:1', '65000:50001'] },
        ],
      },
    ]);
  });

  it('is pure: its inputs are left as they were', () => {
    const intended = {
      leaf1: { ...intendedLeaf, l2Vnis: [{ ...web, interfaces: ['swp2', 'swp1'] }] },
    };
    const copy = structuredClone(intended);
    diffFabric(intended, {});
    expect(intended).toEqual(copy);
  });
});
