import type { DeviceState, FabricOperation } from '@loom/fabric';
import { convergencePlan } from './convergence-plan';

const vrf = {
  name: 'blue',
  l3Vni: 50001,
  rd: '65000:50001',
  importRts: ['65000:50001'],
  exportRts: ['65000:50001'],
  bgpEvpn: true,
};
const l2 = {
  l2Vni: 100001,
  vrf: 'blue',
  vlan: 100,
  anycastGateway: '10.0.1.1/24',
  gatewayMac: '00:00:5e:00:01:01',
  interfaces: ['swp1'],
};
const port = { interface: 'swp1', vlan: 100, address: '10.0.1.5' };
const tenMbit = { rateKbps: 10_000, burstBytes: 15_000 };
const bound: DeviceState = { vrfs: [vrf], l2Vnis: [l2], prefixes: [] };
const shaped = (limit = tenMbit): DeviceState => ({
  ...bound,
  shaping: { ports: [{ ...port, ingress: limit, egress: null }], floatingIps: [] },
});

const kinds = (operations: readonly FabricOperation[]) => operations.map((op) => op.kind);

describe('convergence plan: shaping', () => {
  it('adds missing shaping after the binding it needs, and replaces a changed limit in place', () => {
    expect(convergencePlan(shaped(), { vrfs: [], l2Vnis: [], prefixes: [] }).operations).toEqual([
      {
        kind: 'createVrf',
        vrf: 'blue',
        l3Vni: 50001,
        rd: vrf.rd,
        importRts: vrf.importRts,
        exportRts: vrf.exportRts,
      },
      { kind: 'configureBgpEvpn', vrf: 'blue' },
      {
        kind: 'bindL2Vni',
        l2Vni: 100001,
        vrf: 'blue',
        vlan: 100,
        interface: 'swp1',
        anycastGateway: l2.anycastGateway,
        gatewayMac: l2.gatewayMac,
      },
      { kind: 'shapePort', ...port, ingress: tenMbit, egress: null },
    ]);
    expect(
      convergencePlan(shaped(), shaped({ rateKbps: 5_000, burstBytes: 15_000 })).operations,
    ).toEqual([{ kind: 'shapePort', ...port, ingress: tenMbit, egress: null }]);
  });

  it('leaves a burst the shaper kept to its clock alone', () => {
    expect(
      convergencePlan(shaped(), shaped({ rateKbps: 10_000, burstBytes: 14_999 })).operations,
    ).toEqual([]);
  });

  it('removes unexpected shaping first, and shaping whose binding the plan takes away', () => {
    expect(kinds(convergencePlan(bound, shaped()).operations)).toEqual(['unshapePort']);
    expect(
      kinds(convergencePlan({ vrfs: [], l2Vnis: [], prefixes: [] }, shaped()).operations),
    ).toEqual(['unshapePort', 'unbindL2Vni', 'removeBgpEvpn', 'deleteVrf']);
    // The L2 VNI's settings differ: unbound and bound again, its shaping around it.
    const moved = { ...shaped(), l2Vnis: [{ ...l2, anycastGateway: '10.0.1.254/24' }] };
    expect(kinds(convergencePlan(shaped(), moved).operations)).toEqual([
      'unshapePort',
      'unbindL2Vni',
      'bindL2Vni',
      'shapePort',
    ]);
  });
});
