import type { BindL2Vni, FabricOperation } from '../../operations/fabric-operation';
import type { DeviceState } from '../../state/fabric-state';
import { bindL2Vni } from '../fabric-fixtures';
import { refused, succeeded, type ContractContext } from './contract-context';
import { emptyState, l2VniState, unbindOf, vrfOperation, vrfState } from './contract-fixtures';

/**
 * Access ports (a bare-metal server's NIC, untagged): bound and read back in their own list, an
 * interface either a trunk or an access port, an access port in one L2 VNI, and unbinding one
 * leaves the interface as it was before.
 */
export function describeAccessPorts({ test, state, expectOutcomes }: ContractContext) {
  describe('access ports (untagged)', () => {
    test('binds an interface untagged, refuses to mix it with tagged VLANs, unbinds it', async () => {
      const vrf = vrfOperation('steel', 50111);
      const trunk = bindL2Vni(100111, 'steel', 21, 'swp1');
      const access: BindL2Vni = { ...trunk, interface: 'swp3', untagged: true };
      const otherSubnet = bindL2Vni(100112, 'steel', 22, 'swp2');
      const withVrf: DeviceState = { ...emptyState, vrfs: [vrfState(vrf, true)] };
      const withAccess = (trunkInterfaces: string[]): DeviceState => ({
        ...withVrf,
        l2Vnis: [{ ...l2VniState(trunk, trunkInterfaces), untaggedInterfaces: ['swp3'] }],
      });
      await expectOutcomes([
        [vrf, succeeded(true)],
        [{ kind: 'configureBgpEvpn', vrf: 'steel' }, succeeded(true)],
        [access, succeeded(true)],
      ]);
      expect(await state()).toEqual(withAccess([]));
      const refusedModes: FabricOperation[] = [
        // The access port carries no tagged VLAN, of its own L2 VNI or another's...
        { ...trunk, interface: 'swp3' },
        { ...otherSubnet, interface: 'swp3' },
        // ...is in one L2 VNI only, and a trunk cannot become one.
        { ...otherSubnet, interface: 'swp3', untagged: true },
      ];
      await expectOutcomes([
        [access, succeeded(false)],
        [trunk, succeeded(true)],
        ...refusedModes.map((operation) => [operation, refused('conflict')] as const),
        [{ ...trunk, untagged: true }, refused('conflict')],
      ]);
      expect(await state()).toEqual(withAccess(['swp1']));
      const unbindAccess = { ...unbindOf(trunk), interface: 'swp3', untagged: true };
      await expectOutcomes([
        // The tagged unbind names another binding: nothing to do.
        [{ ...unbindOf(trunk), interface: 'swp3' }, succeeded(false)],
        [unbindAccess, succeeded(true)],
        [unbindAccess, succeeded(false)],
      ]);
      expect(await state()).toEqual({ ...withVrf, l2Vnis: [l2VniState(trunk, ['swp1'])] });
      await expectOutcomes([
        [access, succeeded(true)],
        [unbindOf(trunk), succeeded(true)],
      ]);
      // The L2 VNI stays with its access port alone, and goes with it.
      expect(await state()).toEqual({
        ...withVrf,
        l2Vnis: [{ ...l2VniState(trunk, []), untaggedInterfaces: ['swp3'] }],
      });
      await expectOutcomes([[unbindAccess, succeeded(true)]]);
      expect(await state()).toEqual(withVrf);
    });
  });
}
