import { DriftKind, type DriftItem, type FabricDrift } from '@loom/api-contract';
import { driftExitCode, formatFabricDrift } from './fabric-drift-table';

const item = (overrides: Partial<DriftItem>): DriftItem => ({
  device: 'leaf1',
  kind: DriftKind.MISSING,
  item: '',
  vrf: '',
  l2Vni: 0,
  interface: '',
  prefix: '',
  fields: [],
  ...overrides,
});

describe('loomctl fabric drift output', () => {
  const drift: FabricDrift = {
    items: [
      item({ item: 'l2vni 100000 interface swp2', l2Vni: 100000, interface: 'swp2' }),
      item({
        device: 'leaf2',
        kind: DriftKind.DIFFERENT,
        item: 'vrf vrf50000',
        vrf: 'vrf50000',
        fields: [{ field: 'bgp_evpn', intended: 'true', actual: 'false' }],
      }),
      item({ device: 'leaf2', kind: DriftKind.UNEXPECTED, item: 'vrf rogue' }),
    ],
    unreachableDevices: ['border1'],
  };

  it('prints one aligned line per item, a summary and the devices it could not read', () => {
    expect(formatFabricDrift(drift)).toEqual([
      'DEVICE  KIND        ITEM                         DETAIL',
      'leaf1   missing     l2vni 100000 interface swp2',
      'leaf2   different   vrf vrf50000                 bgp_evpn: intended true, actual false',
      'leaf2   unexpected  vrf rogue',
      '3 differences on 2 devices',
      'border1: unreachable, its drift is unknown',
    ]);
  });

  it('says so when there is no drift', () => {
    expect(formatFabricDrift({ items: [], unreachableDevices: [] })).toEqual([
      'no drift: every device that could be read matches the intent',
    ]);
  });

  it('exits 3 with drift, 4 when a device could not be read, 0 when in sync', () => {
    expect(driftExitCode(drift)).toBe(3);
    expect(driftExitCode({ items: [], unreachableDevices: ['leaf1'] })).toBe(4);
    expect(driftExitCode({ items: [], unreachableDevices: [] })).toBe(0);
  });
});
