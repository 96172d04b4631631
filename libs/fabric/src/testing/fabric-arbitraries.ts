import fc from 'fast-check';
import type { FabricOperation } from '../operations/fabric-operation';

/**
 * Operations over a deliberately small universe of names and numbers, so that random sequences
 * hit every rule: identical re-creates, conflicts, capacity limits, dependencies, no-ops. Most
 * values follow one consistent plan (each VRF its VNI and RD, each L2 VNI its VLAN) so that long
 * sequences build real configuration; a fifth of them stray from it to provoke conflicts.
 */
const vrfs = ['red', 'blue', 'green'] as const;
const vrf = fc.constantFrom(...vrfs);
const l2Vnis = [100001, 100002, 100003, 100004, 100005];
const iface = fc.constantFrom('swp1', 'swp2', 'swp3', 'swp4');
const prefix = fc.constantFrom('203.0.113.7/32', '198.51.100.0/24');
const stray = fc.integer({ min: 1, max: 5 }).map((roll) => roll === 1);

const createVrf = fc
  .record({ index: fc.integer({ min: 0, max: 2 }), stray, other: fc.integer({ min: 0, max: 3 }) })
  .map(({ index, stray: off, other }): FabricOperation => {
    const l3Vni = off ? [50001, 50002, 50003, 100001][other]! : 50001 + index;
    return {
      kind: 'createVrf',
      vrf: vrfs[index]!,
      l3Vni,
      rd: off ? `65000:${other + 1}` : `65000:${index + 1}`,
      importRts: [`65000:${l3Vni}`, '65000:1'],
      exportRts: [`65000:${l3Vni}`],
    };
  });

const bindL2Vni = fc
  .record({
    index: fc.integer({ min: 0, max: 4 }),
    vrf,
    iface,
    stray,
    other: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ index, vrf: name, iface: port, stray: off, other }): FabricOperation => ({
    kind: 'bindL2Vni',
    l2Vni: l2Vnis[index]!,
    vrf: name,
    vlan: 10 * ((off ? other : index) + 1),
    interface: port,
    anycastGateway: `10.0.${index + 1}.1/24`,
    gatewayMac: '00:00:5e:00:01:01',
  }));

const unbindL2Vni = fc
  .record({
    index: fc.integer({ min: 0, max: 4 }),
    iface,
    stray,
    other: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ index, iface: port, stray: off, other }): FabricOperation => ({
    kind: 'unbindL2Vni',
    l2Vni: l2Vnis[index]!,
    vlan: 10 * ((off ? other : index) + 1),
    interface: port,
  }));

export const operationArbitrary: fc.Arbitrary<FabricOperation> = fc.oneof(
  { arbitrary: createVrf, weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('deleteVrf' as const), vrf }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('configureBgpEvpn' as const), vrf }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('removeBgpEvpn' as const), vrf }), weight: 1 },
  { arbitrary: bindL2Vni, weight: 4 },
  { arbitrary: unbindL2Vni, weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('announcePrefix' as const), vrf, prefix }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('withdrawPrefix' as const), vrf, prefix }),
    weight: 1,
  },
);

/** An operation and the device it goes to; the spine is there to be refused. */
export const stepArbitrary: fc.Arbitrary<{ device: string; operation: FabricOperation }> =
  fc.record({
    device: fc.constantFrom('leaf1', 'leaf1', 'leaf2', 'spine1'),
    operation: operationArbitrary,
  });
