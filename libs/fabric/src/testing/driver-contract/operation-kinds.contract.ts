import { leafOperationKinds, type FabricOperation } from '../../operations/fabric-operation';
import type { DeviceState } from '../../state/fabric-state';
import { bindL2Vni } from '../fabric-fixtures';
import { succeeded, type ContractContext } from './contract-context';
import {
  emptyState,
  l2VniState,
  otherLeaf,
  unbindOf,
  vrfOperation,
  vrfState,
} from './contract-fixtures';

/** Every kind of operation, with the device read back after each; and "ensure" semantics. */
export function describeOperationKinds({ test, run, state, expectOutcomes }: ContractContext) {
  describe('every operation kind', () => {
    test('applies each kind and reads the device back as each left it', async () => {
      const vrf = vrfOperation('blue', 50101);
      const bind = bindL2Vni(100101, 'blue', 11, 'swp1');
      const second = { ...bind, interface: 'swp2' };
      const prefix = { vrf: 'blue', prefix: '203.0.113.10/32' };
      const withVrf = (bgpEvpn: boolean) => ({ ...emptyState, vrfs: [vrfState(vrf, bgpEvpn)] });
      const bound = (interfaces: string[]): DeviceState => ({
        ...withVrf(true),
        l2Vnis: [l2VniState(bind, interfaces)],
      });
      const steps: [string, FabricOperation, DeviceState][] = [
        ['create the VRF', vrf, withVrf(false)],
        ['turn on its BGP EVPN', { kind: 'configureBgpEvpn', vrf: 'blue' }, withVrf(true)],
        ['bind an L2 VNI', bind, bound(['swp1'])],
        ['bind it on a second interface', second, bound(['swp1', 'swp2'])],
        [
          'announce a prefix',
          { kind: 'announcePrefix', ...prefix },
          { ...bound(['swp1', 'swp2']), prefixes: [prefix] },
        ],
        ['withdraw it', { kind: 'withdrawPrefix', ...prefix }, bound(['swp1', 'swp2'])],
        ['unbind one interface', { ...unbindOf(bind), interface: 'swp2' }, bound(['swp1'])],
        ['unbind the last one', unbindOf(bind), withVrf(true)],
        ['turn off BGP EVPN', { kind: 'removeBgpEvpn', vrf: 'blue' }, withVrf(false)],
        ['delete the VRF', { kind: 'deleteVrf', vrf: 'blue' }, emptyState],
      ];
      expect(new Set(steps.map(([, operation]) => operation.kind))).toEqual(
        new Set(leafOperationKinds),
      );
      for (const [step, operation, expected] of steps) {
        const outcome = await run(operation);
        expect({ step, outcome, state: await state() }).toEqual({
          step,
          outcome: succeeded(true),
          state: expected,
        });
      }
      expect(await state(otherLeaf)).toEqual(emptyState);
    });

    test('succeeds without change when the configuration is already as asked (an "ensure")', async () => {
      const vrf = vrfOperation('green', 50102);
      expect(await run(vrf)).toEqual(succeeded(true));
      const before = await state();
      const alreadyAsAsked: FabricOperation[] = [
        vrf,
        { kind: 'removeBgpEvpn', vrf: 'green' },
        { kind: 'withdrawPrefix', vrf: 'green', prefix: '203.0.113.11/32' },
        unbindOf(bindL2Vni(100102, 'green', 12, 'swp1')),
        { kind: 'deleteVrf', vrf: 'absent' },
      ];
      await expectOutcomes(alreadyAsAsked.map((operation) => [operation, succeeded(false)]));
      expect(await state()).toEqual(before);
    });
  });
}
